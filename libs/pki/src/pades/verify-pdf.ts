import { createHash } from 'node:crypto';
import { SignedDataVerification } from '../cms';
import { failed, indeterminate, IndicationResult, passed, worstIndication } from '../indication';
import {
  classifyChanges,
  describeChangesAfter,
  findSignatures,
  PdfFormatError,
  PdfSignatureField,
  readableRevisions,
  unaccountedAppendedData,
} from '../pdf';
import { DocumentReport, SignatureReport } from '../report';
import type { RevocationChecker, RevocationStatus } from '../revocation/types';
import { TSP_OID } from '../tsp/request';
import { PathValidationResult, reason, validatePath, ValidationReason } from '../validation';
import {
  AlgorithmPolicy,
  cryptoRefusals,
  pathCryptoRefusals,
  STRICT_ALGORITHM_POLICY,
} from '../validation/algorithm-policy';
import { Certificate } from '../x509/certificate';
import { readSignatureContents, SignatureContents } from './signature-contents';
import { chainEntries, signerSummary } from './signer-summary';

export interface VerifyPdfOptions {
  trustAnchors: Certificate[];
  intermediates?: Certificate[];
  /** Default: now. Used for the chain when a signature claims no signing time. */
  validationTime?: Date;
  /**
   * Revocation checking of every certificate of each signer's path. A new checker is made per
   * signature (checkers cache what they fetched). Without it no revocation is checked: the report
   * says revocation.checked=false with the reason REVOCATION_NOT_CHECKED, and with
   * `requireRevocation` such a signature is INDETERMINATE/TRY_LATER.
   */
  revocationChecker?: () => RevocationChecker;
  /** Unknown revocation status is never good: INDETERMINATE/TRY_LATER. Default true with a checker. */
  requireRevocation?: boolean;
  /** Default STRICT_ALGORITHM_POLICY: algorithms and key sizes and the dates after which they prove nothing. */
  algorithmPolicy?: AlgorithmPolicy;
}

/** The facts gathered for one signature before any judgement. */
interface SignatureFacts {
  field: PdfSignatureField;
  cms: SignedDataVerification | null; // null when the byte range could not be read
  /** adbe.pkcs7.sha1 and document timestamps: the ranges match the digest the CMS encapsulates. */
  documentDigestMatches?: boolean;
  /** What makes a valid CMS not what PAdES prescribes (ETSI EN 319 142-1 6.3): a warning, not a failure. */
  notEtsiConformant: string[];
  /** The time the signature is proven to exist at, where algorithms are judged (now: the validation time). */
  poeTime: Date;
  path: PathValidationResult | null;
  claimedSigningTime: Date | null;
  modifications: SignatureReport['modifications'];
}

async function gatherFacts(
  pdf: Uint8Array,
  field: PdfSignatureField,
  opts: VerifyPdfOptions,
  validationTime: Date,
  unreadableFrom: number | null,
): Promise<SignatureFacts> {
  let contents: SignatureContents | null = null;
  try {
    contents = readSignatureContents(pdf, field, opts.intermediates);
  } catch (e) {
    if (!(e instanceof PdfFormatError)) throw e; // a byte range outside the file: judged as format failure
  }
  const cms = contents?.cms ?? null;
  const claimedSigningTime = cms?.claimedSigningTime ?? field.signingTime ?? null;
  const pathOptions = cms?.signerCertificate && {
    leaf: cms.signerCertificate,
    intermediates: [...cms.certificates, ...(opts.intermediates ?? [])],
    trustAnchors: opts.trustAnchors,
    validationTime: claimedSigningTime ?? validationTime,
    purpose: field.subFilter === 'ETSI.RFC3161' ? TSP_OID.timeStamping : 'documentSigning',
    algorithmPolicy: opts.algorithmPolicy,
  };
  const path = !pathOptions
    ? null
    : opts.revocationChecker
      ? await validatePath({
          ...pathOptions,
          revocation: { checker: opts.revocationChecker(), required: opts.requireRevocation ?? true },
        })
      : validatePath(pathOptions);
  const modifications = modificationsAfter(pdf, field, unreadableFrom);
  return {
    field,
    cms,
    documentDigestMatches: contents?.documentDigestMatches,
    notEtsiConformant: contents?.notEtsiConformant ?? [],
    poeTime: validationTime,
    path,
    claimedSigningTime,
    modifications,
  };
}

function modificationsAfter(
  pdf: Uint8Array,
  field: PdfSignatureField,
  unreadableFrom: number | null,
): SignatureReport['modifications'] {
  if (unreadableFrom !== null) {
    return {
      changedAfterSigning: true,
      allowed: false,
      description: [`not allowed: the revisions from offset ${unreadableFrom} cannot be read`],
    };
  }
  if (field.coversWholeDocument) return { changedAfterSigning: false, allowed: null, description: [] };
  try {
    const unaccounted = unaccountedAppendedData(pdf, field.revisionLength).map((p) => `not allowed: ${p}`);
    const verdict = classifyChanges(describeChangesAfter(pdf, field.revisionLength));
    return {
      changedAfterSigning: true,
      allowed: verdict.allowed && unaccounted.length === 0,
      description: [...unaccounted, ...verdict.description],
    };
  } catch (e) {
    // Changes we cannot analyse are not presumed harmless.
    const code = e instanceof PdfFormatError ? e.code : 'MALFORMED_PDF';
    return {
      changedAfterSigning: true,
      allowed: false,
      description: [`the appended revisions could not be analysed (${code})`],
    };
  }
}

/**
 * Judges the facts in the order of ETSI EN 319 102-1 5.3 (basic validation): format, then the
 * cryptographic checks that fail definitively (TOTAL-FAILED), then identification of the signing
 * certificate, then X.509 validation; the first failure decides the indication.
 */
function judge(f: SignatureFacts, opts: VerifyPdfOptions): { result: IndicationResult; reasons: ValidationReason[] } {
  const problems = (list: readonly string[]) => list.join(', ') || undefined;
  if (!f.field.byteRangeValid || !f.cms) {
    return {
      result: failed('FORMAT_FAILURE'),
      reasons: [reason('BYTE_RANGE_INVALID', { detail: problems(f.field.problems) })],
    };
  }
  const cms = f.cms;
  if (!cms.formatOk)
    return {
      result: failed('FORMAT_FAILURE'),
      reasons: [reason('FORMAT_FAILURE', { detail: problems(cms.problems) })],
    };
  if ((cms.digestAlgorithm && !cms.messageDigestMatches) || f.documentDigestMatches === false)
    return { result: failed('HASH_FAILURE'), reasons: [reason('HASH_FAILURE')] };
  if (!cms.signerCertificate)
    return { result: indeterminate('NO_SIGNING_CERTIFICATE_FOUND'), reasons: [reason('NO_SIGNING_CERTIFICATE_FOUND')] };
  if (!cms.signatureAlgorithm || !cms.digestAlgorithm) {
    return {
      result: indeterminate('CRYPTO_CONSTRAINTS_FAILURE'),
      reasons: [reason('FORMAT_FAILURE', { detail: problems(cms.problems) })],
    };
  }
  if (!cms.signatureValid) return { result: failed('SIG_CRYPTO_FAILURE'), reasons: [reason('SIG_CRYPTO_FAILURE')] };
  const policy = opts.algorithmPolicy ?? STRICT_ALGORITHM_POLICY;
  const refused = cms.crypto ? cryptoRefusals(policy, cms.crypto, f.poeTime) : [];
  if (refused.length > 0) {
    return {
      result: indeterminate('CRYPTO_CONSTRAINTS_FAILURE_NO_POE'),
      reasons: [reason('SIGNATURE_ALGORITHM_NOT_ALLOWED', { detail: refused.join('; ') })],
    };
  }
  if (cms.signingCertificateV2Matches === false) {
    return { result: indeterminate('NO_SIGNING_CERTIFICATE_FOUND'), reasons: [reason('SIGNING_CERTIFICATE_MISMATCH')] };
  }
  const path = f.path!;
  if (!path.valid) return { result: path, reasons: path.reasons };
  const pathRefused = pathCryptoRefusals(policy, path.chain, f.poeTime);
  if (pathRefused.length > 0) {
    return {
      result: indeterminate('CRYPTO_CONSTRAINTS_FAILURE_NO_POE'),
      reasons: pathRefused.map((r) =>
        reason('ALGORITHM_NOT_ALLOWED', { certificateIndex: r.certificateIndex, detail: r.refusal }),
      ),
    };
  }
  if (opts.requireRevocation && !path.revocation.checked) {
    return { result: indeterminate('TRY_LATER'), reasons: [...path.reasons, reason('REVOCATION_REQUIRED')] };
  }
  // R25: the claimed signing time is only a claim. A key reported compromised after it, with no
  // timestamp to prove the signature existed before, may have made a back-dated signature.
  const leaf = path.revocation.status[0];
  if (leaf?.revocationTime && leaf.reason === 'keyCompromise') {
    return {
      result: indeterminate('REVOKED_NO_POE'),
      reasons: [...path.reasons, reason('KEY_COMPROMISED_AFTER_CLAIMED_TIME')],
    };
  }
  return { result: passed(), reasons: path.reasons };
}

function report(f: SignatureFacts, index: number, opts: VerifyPdfOptions): SignatureReport {
  const { result, reasons } = judge(f, opts);
  if (f.notEtsiConformant.length > 0)
    reasons.push(reason('NOT_ETSI_CONFORMANT', { detail: f.notEtsiConformant.join(', ') }));
  if (f.modifications.allowed === false)
    reasons.push(reason('MODIFIED_AFTER_SIGNING', { detail: f.modifications.description.join('; ') || undefined }));
  const chain = f.path?.chain ?? (f.cms?.signerCertificate ? [f.cms.signerCertificate] : []);
  return {
    id: f.field.fieldName ?? `signature-${index + 1}`,
    fieldName: f.field.fieldName,
    indication: result.indication,
    subIndication: result.subIndication ?? null,
    signer: signerSummary(f.cms?.signerCertificate),
    signingTime: { claimed: f.claimedSigningTime?.toISOString() ?? null, timestamped: null },
    subFilter: f.field.subFilter,
    digestAlgorithm: f.cms?.digestAlgorithm ?? null,
    signatureAlgorithm: f.cms?.signatureAlgorithm ?? null,
    coverage: {
      byteRange: f.field.byteRange,
      coversWholeRevision: f.field.byteRangeValid,
      coversWholeDocument: f.field.coversWholeDocument,
      signedRevisionLength: f.field.revisionLength,
    },
    modifications: f.modifications,
    chain: chainEntries(chain, opts.trustAnchors),
    revocation: revocationSummary(f.path),
    reasons,
  };
}

/** The signer certificate's revocation evidence, as the report shows it. */
function revocationSummary(path: PathValidationResult | null): SignatureReport['revocation'] {
  const leaf: RevocationStatus | undefined = path?.revocation.status[0];
  if (!path?.revocation.checked || !leaf) return { checked: false, source: null, producedAt: null, fetchedAt: null };
  const produced = leaf.producedAt ?? leaf.thisUpdate;
  return {
    checked: true,
    source: leaf.source,
    producedAt: produced?.toISOString() ?? null,
    fetchedAt: leaf.fetchedAt?.toISOString() ?? null,
  };
}

/**
 * Verifies every signature of a PDF. Throws PdfFormatError for input that is not a readable PDF
 * (callers map it to 4xx); everything about the signatures is in the report.
 *
 * Changes after a signature: per ETSI the signature stays valid for the revision it signed, so
 * its own indication is not lowered; the report says modifications.allowed=false with the reason
 * MODIFIED_AFTER_SIGNING, and the document conclusion is at least INDETERMINATE, because the
 * document as a whole is no longer what was signed.
 */
export async function verifyPdf(pdf: Uint8Array, opts: VerifyPdfOptions): Promise<DocumentReport> {
  // Newest revisions we cannot read (e.g. a /Prev loop) do not hide the signatures before them.
  const { readable, unreadableFrom } = readableRevisions(pdf);
  const validationTime = opts.validationTime ?? new Date();
  const fields = findSignatures(readable).map((f) =>
    unreadableFrom === null ? f : { ...f, coversWholeDocument: false },
  );
  const signatures: SignatureReport[] = [];
  for (const [i, field] of fields.entries())
    signatures.push(report(await gatherFacts(pdf, field, opts, validationTime, unreadableFrom), i, opts));
  const documentReasons: ValidationReason[] = [];
  let conclusion = worstIndication(signatures.map((s) => s.indication));
  if (signatures.length === 0) {
    documentReasons.push(reason('NO_SIGNATURE'));
    conclusion = 'INDETERMINATE';
  }
  if (signatures.some((s) => s.modifications.allowed === false)) {
    documentReasons.push(reason('MODIFIED_AFTER_SIGNING'));
    conclusion = worstIndication([conclusion, 'INDETERMINATE']);
  }
  return {
    conclusion,
    validationTime: validationTime.toISOString(),
    documentSha256: createHash('sha256').update(pdf).digest('hex').toUpperCase(),
    signatureCount: signatures.length,
    signatures,
    reasons: documentReasons,
  };
}
