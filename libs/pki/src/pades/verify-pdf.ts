import { createHash } from 'node:crypto';
import { parseSignedData, verifySignedData, SignedDataVerification } from '../cms';
import { failed, indeterminate, IndicationResult, passed, worstIndication } from '../indication';
import {
  classifyChanges,
  describeChangesAfter,
  findSignatures,
  PdfFormatError,
  PdfSignatureField,
  PdfDocument,
  permissionsAt,
  readableRevisions,
  recoverSignatures,
  signedByteRanges,
  unaccountedAppendedData,
} from '../pdf';
import { DocumentReport, SignatureReport } from '../report';
import type { RevocationChecker, RevocationStatus } from '../revocation/types';
import { PathValidationResult, reason, validatePath, ValidationReason } from '../validation';
import { Certificate } from '../x509/certificate';
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
}

/** The facts gathered for one signature before any judgement. */
interface SignatureFacts {
  field: PdfSignatureField;
  cms: SignedDataVerification | null; // null when the byte range could not be read
  /** What makes the CMS unfit for PAdES although it verifies (ETSI EN 319 142-1 6.3: one signer, detached). */
  cmsStructureProblems: string[];
  path: PathValidationResult | null;
  claimedSigningTime: Date | null;
  modifications: SignatureReport['modifications'];
  /** Why the document structure could not be read (the signature was found by scanning), or null. */
  damage: string | null;
}

/** What the signatures were read from: the readable revisions, or a scan of a damaged file. */
interface SignatureSource {
  fields: PdfSignatureField[];
  /** Where revisions that cannot be read begin (the readable prefix ends there), or null. */
  unreadableFrom: number | null;
  damage: string | null;
  /** The file read once for every signature's change analysis (null when it cannot be read). */
  doc: PdfDocument | null;
}

/** Input that is not a PDF at all: the only input refused rather than reported on. */
const NOT_A_PDF: ReadonlySet<string> = new Set(['NOT_A_PDF', 'EMPTY_FILE']);

function readSignatures(pdf: Uint8Array): SignatureSource {
  try {
    // Newest revisions we cannot read (e.g. a /Prev loop) do not hide the signatures before them.
    const { readable, unreadableFrom } = readableRevisions(pdf);
    const doc = PdfDocument.open(readable);
    const fields = findSignatures(doc).map((f) => (unreadableFrom === null ? f : { ...f, coversWholeDocument: false }));
    return { fields, unreadableFrom, damage: null, doc: unreadableFrom === null ? doc : null };
  } catch (e) {
    if (e instanceof PdfFormatError && NOT_A_PDF.has(e.code)) throw e;
    // Damaged beyond reading: still report every signature dictionary the bytes hold (issue 10).
    const damage = e instanceof PdfFormatError ? `${e.code}: ${e.message}` : 'the structure cannot be read';
    return { fields: recoverSignatures(pdf), unreadableFrom: null, damage, doc: null };
  }
}

/** Extra content or signers would let other verifiers check something else than Kyso did. */
function cmsStructureProblems(field: PdfSignatureField, cms: SignedDataVerification | null): string[] {
  if (!cms?.formatOk) return [];
  const problems: string[] = cms.problems.filter((p) => p === 'CMS_MULTIPLE_SIGNERS');
  if (parseSignedData(field.contents).encapContent !== undefined) problems.push('CMS_CONTENT_NOT_DETACHED');
  return problems;
}

async function gatherFacts(
  pdf: Uint8Array,
  field: PdfSignatureField,
  opts: VerifyPdfOptions,
  validationTime: Date,
  source: SignatureSource,
): Promise<SignatureFacts> {
  let cms: SignedDataVerification | null = null;
  try {
    cms = verifySignedData(field.contents, signedByteRanges(pdf, field.byteRange), {
      extraCertificates: opts.intermediates,
    });
  } catch (e) {
    if (!(e instanceof PdfFormatError)) throw e; // a byte range outside the file: judged as format failure
  }
  const claimedSigningTime = cms?.claimedSigningTime ?? field.signingTime ?? null;
  const pathOptions = cms?.signerCertificate && {
    leaf: cms.signerCertificate,
    intermediates: [...cms.certificates, ...(opts.intermediates ?? [])],
    trustAnchors: opts.trustAnchors,
    validationTime: claimedSigningTime ?? validationTime,
    purpose: 'documentSigning' as const,
  };
  const path = !pathOptions
    ? null
    : opts.revocationChecker
      ? await validatePath({
          ...pathOptions,
          revocation: { checker: opts.revocationChecker(), required: opts.requireRevocation ?? true },
        })
      : validatePath(pathOptions);
  const modifications = modificationsAfter(pdf, field, source);
  return {
    field,
    cms,
    cmsStructureProblems: cmsStructureProblems(field, cms),
    path,
    claimedSigningTime,
    modifications,
    damage: source.damage,
  };
}

function modificationsAfter(
  pdf: Uint8Array,
  field: PdfSignatureField,
  { unreadableFrom, damage, doc }: SignatureSource,
): SignatureReport['modifications'] {
  if (damage !== null) {
    return {
      changedAfterSigning: !field.coversWholeDocument,
      allowed: null,
      description: [`the document structure cannot be read (${damage})`],
    };
  }
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
    const verdict = classifyChanges(
      describeChangesAfter(doc ?? pdf, field.revisionLength),
      permissionsAt(doc ?? pdf, field.revisionLength),
    );
    return {
      changedAfterSigning: true,
      allowed: verdict.allowed && unaccounted.length === 0,
      description: [...unaccounted, ...verdict.description],
    };
  } catch (e) {
    // Changes we cannot analyse, for whatever reason, are not presumed harmless.
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
  if (f.field.subFilter === 'ETSI.RFC3161') {
    return {
      result: indeterminate('FORMAT_FAILURE'),
      reasons: [reason('FORMAT_FAILURE', { detail: 'document timestamps are not verified in this version' })],
    };
  }
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
  if (f.cmsStructureProblems.length > 0) {
    return {
      result: failed('FORMAT_FAILURE'),
      reasons: [reason('FORMAT_FAILURE', { detail: problems(f.cmsStructureProblems) })],
    };
  }
  if (cms.digestAlgorithm && !cms.messageDigestMatches)
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
  if (cms.signingCertificateV2Matches === false) {
    return { result: indeterminate('NO_SIGNING_CERTIFICATE_FOUND'), reasons: [reason('SIGNING_CERTIFICATE_MISMATCH')] };
  }
  const path = f.path!;
  if (!path.valid) return { result: path, reasons: path.reasons };
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

/**
 * A change after the signature that is not allowed fails the signature's own entry, as DSS's
 * format checks (page and visual difference, DocMDP, FieldMDP) do: a relying party reading
 * signatures[i].indication must not be shown TOTAL-PASSED for a document that was altered
 * (incremental saving and shadow attacks). A signature that already failed keeps its own reason.
 */
function judgeModifications(
  judged: { result: IndicationResult; reasons: ValidationReason[] },
  { modifications, damage }: SignatureFacts,
): { result: IndicationResult; reasons: ValidationReason[] } {
  if (damage !== null) {
    // What the signature covers cannot be checked in a file we cannot read (issue 10).
    return {
      result: judged.result.indication === 'TOTAL-FAILED' ? judged.result : failed('FORMAT_FAILURE'),
      reasons: [...judged.reasons, reason('PDF_STRUCTURE_DAMAGED', { detail: damage })],
    };
  }
  if (modifications.allowed !== false) return judged;
  const reasons = [
    ...judged.reasons,
    reason('MODIFIED_AFTER_SIGNING', { detail: modifications.description.join('; ') || undefined }),
  ];
  return {
    result: judged.result.indication === 'TOTAL-FAILED' ? judged.result : failed('FORMAT_FAILURE'),
    reasons,
  };
}

function report(f: SignatureFacts, index: number, opts: VerifyPdfOptions): SignatureReport {
  const { result, reasons } = judgeModifications(judge(f, opts), f);
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
 * Verifies every signature of every revision of a PDF. Throws PdfFormatError (NOT_A_PDF,
 * EMPTY_FILE) only for input that is not a PDF at all; a damaged PDF gets a report, with the
 * signatures found by scanning its bytes judged TOTAL-FAILED/FORMAT_FAILURE (PDF_STRUCTURE_DAMAGED).
 *
 * Changes after a signature are judged as DSS and pyHanko do (see classifyChanges): one that is not
 * allowed makes that signature TOTAL-FAILED/FORMAT_FAILURE with the reason MODIFIED_AFTER_SIGNING,
 * and the conclusion is the worst of the signatures.
 */
export async function verifyPdf(pdf: Uint8Array, opts: VerifyPdfOptions): Promise<DocumentReport> {
  const source = readSignatures(pdf);
  const validationTime = opts.validationTime ?? new Date();
  const signatures: SignatureReport[] = [];
  for (const [i, field] of source.fields.entries())
    signatures.push(report(await gatherFacts(pdf, field, opts, validationTime, source), i, opts));
  const documentReasons: ValidationReason[] = [];
  let conclusion = worstIndication(signatures.map((s) => s.indication));
  if (signatures.length === 0) {
    documentReasons.push(reason('NO_SIGNATURE'));
    conclusion = 'INDETERMINATE';
  }
  if (signatures.some((s) => s.modifications.allowed === false)) documentReasons.push(reason('MODIFIED_AFTER_SIGNING'));
  if (source.damage !== null) documentReasons.push(reason('PDF_STRUCTURE_DAMAGED', { detail: source.damage }));
  return {
    conclusion,
    validationTime: validationTime.toISOString(),
    documentSha256: createHash('sha256').update(pdf).digest('hex').toUpperCase(),
    signatureCount: signatures.length,
    signatures,
    reasons: documentReasons,
  };
}
