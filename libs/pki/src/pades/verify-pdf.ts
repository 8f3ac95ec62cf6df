import { SignedDataVerification } from '../cms';
import { failed, IndicationResult, worstIndication } from '../indication';
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
  unaccountedAppendedData,
} from '../pdf';
import { readDss } from '../pdf/dss';
import { DocumentReport, SignatureReport } from '../report';
import type { RevocationChecker } from '../revocation/types';
import { IssuerFetcher, PathValidationResult, reason, ValidationReason } from '../validation';
import { AlgorithmPolicy } from '../validation/algorithm-policy';
import { DIGESTS } from '../x509/algorithms';
import { Certificate } from '../x509/certificate';
import { judgeCmsSignature, revocationSummary, timestampReport, validateSignerPath } from './judge-cms';
import { LtvSources } from './ltv';
import { readSignatureContents, SignatureContents, sha256SharingRanges } from './signature-contents';
import { earliestProof, ExternalProofOfExistence, judgementTime, proofOfExistence, ProvenTime } from './poe';
import { chainEntries, signerSummary } from './signer-summary';
import {
  CheckedTimestamp,
  checkDocumentTimestamps,
  checkSignatureTimestamps,
  coveringDocumentTimestamps,
  poeFromDocumentTimestamps,
  timestampFact,
} from './timestamps';
import { sha256Of } from '../x509/sha256-of';

export interface VerifyPdfOptions {
  /** Anchors for the signers' paths (document signing). */
  trustAnchors: Certificate[];
  /** Anchors for timestamp authorities' paths; default `trustAnchors`. A TSA root never anchors a signer. */
  timestampTrustAnchors?: Certificate[];
  intermediates?: Certificate[];
  /**
   * Default: now. A signature is judged at this time unless a valid timestamp proves it existed
   * earlier (then at that proof of existence); the claimed signing time is never used for it.
   */
  validationTime?: Date;
  /**
   * Revocation checking of every certificate of each signer's path. A new checker is made per
   * signature (checkers cache what they fetched). The document's own LTV evidence (DSS/VRI, the
   * CMS revocation archive) is always offered first. With neither no revocation is checked: the
   * report says revocation.checked=false with the reason REVOCATION_NOT_CHECKED, and with
   * `requireRevocation` such a signature is INDETERMINATE/TRY_LATER.
   */
  revocationChecker?: () => RevocationChecker;
  /**
   * AIA caIssuers downloads for signatures that carry only their leaf (VGCA-signed PDFs often do):
   * used only when the certificates in hand do not reach a trust anchor.
   */
  issuerFetcher?: IssuerFetcher;
  /** Default STRICT_ALGORITHM_POLICY: algorithms and key sizes and the dates after which they prove nothing. */
  algorithmPolicy?: AlgorithmPolicy;
  /**
   * Proofs of existence from outside the document (the verifier's own sealed validation records):
   * a signature whose /Contents digest matches is judged at the earliest of these and its
   * timestamps' POE. The report's signingTime.provenBy and evidenceId say which one was used.
   */
  proofsOfExistence?: readonly ExternalProofOfExistence[];
  /** Unknown revocation status is never good: INDETERMINATE/TRY_LATER. Default true with a checker or LTV evidence. */
  requireRevocation?: boolean;
  /**
   * SHA-256 (hex, any case) of `pdf` when the caller has it already (e.g. hashed while the upload
   * arrived), so the document is not hashed again; it must be the digest of these very bytes.
   */
  documentSha256?: string;
}

/** The facts gathered for one signature before any judgement. */
interface SignatureFacts {
  field: PdfSignatureField;
  cms: SignedDataVerification | null; // null when the byte range could not be read
  /** adbe.pkcs7.sha1: the ranges match the digest the CMS encapsulates. */
  documentDigestMatches?: boolean;
  /** What makes a valid CMS not what PAdES prescribes (ETSI EN 319 142-1 6.3): a warning, not a failure. */
  notEtsiConformant: string[];
  path: PathValidationResult | null;
  claimedSigningTime: Date | null;
  /** Signature timestamps and covering document timestamps, validated. */
  timestamps: CheckedTimestamp[];
  /** The earliest time a valid timestamp proves the signature existed; null without one. */
  proofOfExistence: Date | null;
  /** The earliest proof of all (timestamps and external evidence) and where it came from. */
  proven: ProvenTime;
  /** The time the path was judged at: proofOfExistence, else the validation time. */
  judgedAt: Date;
  /** For a document timestamp (ETSI.RFC3161): its own validation. */
  documentTimestamp: CheckedTimestamp | null;
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
  /** The readable revisions' bytes (the whole file when damaged), for the DSS. */
  readable: Uint8Array;
}

const NOT_PROVEN: ProvenTime = { poe: null, provenBy: null, evidenceId: null };

/** Input that is not a PDF at all: the only input refused rather than reported on. */
const NOT_A_PDF: ReadonlySet<string> = new Set(['NOT_A_PDF', 'EMPTY_FILE']);

/** What the bytes hold, read once per bytes object (the evidence reads the same fields after verifyPdf). */
const SOURCES = new WeakMap<Uint8Array, SignatureSource>();

function readSignatures(pdf: Uint8Array): SignatureSource {
  let source = SOURCES.get(pdf);
  if (!source) SOURCES.set(pdf, (source = readSignaturesOnce(pdf)));
  return source;
}

/**
 * The signature fields verifyPdf judges in these bytes (those it can recover from a damaged file
 * too). Called with the bytes verifyPdf had, it reads nothing again: each field's CMS is then
 * already parsed too (parseSignedData keeps its result per bytes object). Throws PdfFormatError for
 * bytes that are not a PDF at all.
 */
export function signatureFields(pdf: Uint8Array): readonly PdfSignatureField[] {
  return readSignatures(pdf).fields;
}

/**
 * SHA-256 of the file, computed along with the signed byte ranges' digest of its signature (the
 * bytes the two share hashed once), which verifyPdf then takes for these bytes instead of hashing
 * them again (issue 16.3). Reads the signatures as signatureFields does (kept for verifyPdf); bytes
 * that are not a PDF, or hold no CMS signature, are hashed alone.
 */
export function pdfSha256(pdf: Uint8Array): Buffer {
  let fields: readonly PdfSignatureField[] = [];
  try {
    fields = signatureFields(pdf);
  } catch {
    // not a PDF: only its digest is asked for
  }
  return sha256SharingRanges(pdf, fields);
}

function readSignaturesOnce(pdf: Uint8Array): SignatureSource {
  try {
    // Newest revisions we cannot read (e.g. a /Prev loop) do not hide the signatures before them.
    const { readable, unreadableFrom, doc } = readableRevisions(pdf);
    const fields = findSignatures(doc).map((f) => (unreadableFrom === null ? f : { ...f, coversWholeDocument: false }));
    return { fields, unreadableFrom, damage: null, doc: unreadableFrom === null ? doc : null, readable };
  } catch (e) {
    if (e instanceof PdfFormatError && NOT_A_PDF.has(e.code)) throw e;
    // Damaged beyond reading: still report every signature dictionary the bytes hold (issue 10).
    const damage = e instanceof PdfFormatError ? `${e.code}: ${e.message}` : 'the structure cannot be read';
    return { fields: recoverSignatures(pdf), unreadableFrom: null, damage, doc: null, readable: pdf };
  }
}

/** What verifyPdf knows about the whole document before judging each signature. */
interface DocumentContext {
  validationTime: Date;
  source: SignatureSource;
  ltv: LtvSources;
  documentTimestamps: Map<PdfSignatureField, CheckedTimestamp>;
}

async function gatherFacts(
  pdf: Uint8Array,
  field: PdfSignatureField,
  opts: VerifyPdfOptions,
  doc: DocumentContext,
): Promise<SignatureFacts> {
  const { validationTime, source } = doc;
  const documentTimestamp = doc.documentTimestamps.get(field) ?? null;
  if (documentTimestamp) {
    const covered = poeFromDocumentTimestamps(field, doc.documentTimestamps);
    return {
      field,
      cms: null,
      notEtsiConformant: [],
      path: documentTimestamp.validation.path,
      claimedSigningTime: null,
      timestamps: coveringDocumentTimestamps(field, doc.documentTimestamps),
      proofOfExistence: documentTimestamp.validation.valid ? documentTimestamp.validation.genTime : null,
      proven: covered ? { poe: covered, provenBy: 'timestamp', evidenceId: null } : NOT_PROVEN,
      judgedAt: covered ?? validationTime,
      documentTimestamp,
      modifications: modificationsAfter(pdf, field, source),
      damage: source.damage,
    };
  }
  let contents: SignatureContents | null = null;
  try {
    contents = readSignatureContents(pdf, field, opts.intermediates);
  } catch (e) {
    if (!(e instanceof PdfFormatError)) throw e; // a byte range outside the file: judged as format failure
  }
  const cms = contents?.cms ?? null;
  const claimedSigningTime = cms?.claimedSigningTime ?? field.signingTime ?? null;
  // ETSI EN 319 102-1 5.6.2.1: the TSA of a signature timestamp is judged at the POE a covering
  // document timestamp gives it, else now; the signer's path at the earliest POE, else now.
  const covering = coveringDocumentTimestamps(field, doc.documentTimestamps);
  const tsaTime = poeFromDocumentTimestamps(field, doc.documentTimestamps) ?? validationTime;
  const revocation = () => doc.ltv.revocationFor(field.contents);
  const timestamps = cms?.formatOk
    ? [...(await checkSignatureTimestamps(field.contents, timestampContext(opts, doc), tsaTime)), ...covering]
    : covering;
  const poe = proofOfExistence(timestamps.map(timestampFact), validationTime);
  const proven = earliestProof(poe, opts.proofsOfExistence ?? [], sha256Hex(field.contents), validationTime);
  const judgedAt = judgementTime(proven.poe, validationTime);
  const known = [...(cms?.certificates ?? []), ...(opts.intermediates ?? []), ...doc.ltv.certificates];
  const path = await validateSignerPath(cms, known, opts, judgedAt, revocation());
  const modifications = modificationsAfter(pdf, field, source);
  return {
    field,
    cms,
    documentDigestMatches: contents?.documentDigestMatches,
    notEtsiConformant: contents?.notEtsiConformant ?? [],
    path,
    claimedSigningTime,
    timestamps,
    proofOfExistence: poe,
    proven,
    judgedAt,
    documentTimestamp: null,
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
  // Signed bytes that end inside a revision, or beyond a file saved again whole (or cut short): there
  // is no signed revision to compare with, and the byte range's own failure judges the signature.
  const beyond = field.revisionLength > pdf.length;
  if (beyond || field.problems.includes('BYTE_RANGE_NOT_AT_EOF')) {
    const end = field.revisionLength;
    return {
      changedAfterSigning: true,
      allowed: null,
      description: [
        beyond
          ? `the signed revision cannot be found: the byte range ends at ${end}, beyond the file's ${pdf.length} bytes (saved again whole, or cut short)`
          : `not analysed: the signed bytes end at ${end}, not at the end of a revision`,
      ],
    };
  }
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

/** A document timestamp is judged as a timestamp; a signature's byte range first, then its CMS (judge-cms.ts). */
function judge(f: SignatureFacts, opts: VerifyPdfOptions): { result: IndicationResult; reasons: ValidationReason[] } {
  const problems = (list: readonly string[]) => list.join(', ') || undefined;
  if (f.field.byteRangeValid && f.documentTimestamp) {
    const v = f.documentTimestamp.validation;
    return { result: v.result, reasons: [...v.reasons] };
  }
  if (!f.field.byteRangeValid || !f.cms) {
    return {
      result: failed('FORMAT_FAILURE'),
      reasons: [reason('BYTE_RANGE_INVALID', { detail: problems(f.field.problems) })],
    };
  }
  return judgeCmsSignature({ ...f, cms: f.cms }, opts, f.documentDigestMatches === false);
}

function timestampContext(opts: VerifyPdfOptions, doc: DocumentContext) {
  return {
    trustAnchors: opts.timestampTrustAnchors ?? opts.trustAnchors,
    intermediates: [...(opts.intermediates ?? []), ...doc.ltv.certificates],
    validationTime: doc.validationTime,
    revocation: () => doc.ltv.revocationFor(null),
    algorithmPolicy: opts.algorithmPolicy,
  };
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

/** Of a signature's /Contents: hashed once (its CMS parse hashed it already), read twice. */
const sha256Hex = (bytes: Uint8Array) => sha256Of(bytes).toString('hex').toUpperCase();

/** A document timestamp's digest is that of its message imprint over the byte ranges. */
function imprintAlgorithm(t: CheckedTimestamp | null): string | undefined {
  const oid = t?.validation.token.tstInfo?.messageImprint.hashAlgorithm;
  return oid ? DIGESTS[oid]?.name : undefined;
}

function report(f: SignatureFacts, index: number, opts: VerifyPdfOptions): SignatureReport {
  const { result, reasons } = judgeModifications(judge(f, opts), f);
  if (f.notEtsiConformant.length > 0)
    reasons.push(reason('NOT_ETSI_CONFORMANT', { detail: f.notEtsiConformant.join(', ') }));
  const signerCertificate = f.cms?.signerCertificate ?? f.documentTimestamp?.validation.tsaCertificate ?? undefined;
  const chain = f.path?.chain ?? (signerCertificate ? [signerCertificate] : []);
  return {
    id: f.field.fieldName ?? `signature-${index + 1}`,
    fieldName: f.field.fieldName,
    indication: result.indication,
    subIndication: result.subIndication ?? null,
    signer: signerSummary(signerCertificate),
    signingTime: {
      claimed: f.claimedSigningTime?.toISOString() ?? null,
      timestamped: f.proofOfExistence?.toISOString() ?? null,
      judgedAt: f.judgedAt.toISOString(),
      provenBy: f.proven.provenBy,
      evidenceId: f.proven.evidenceId,
    },
    signatureSha256: sha256Hex(f.field.contents),
    timestamps: f.timestamps.map((t) => timestampReport(t, opts.timestampTrustAnchors ?? opts.trustAnchors)),
    subFilter: f.field.subFilter,
    digestAlgorithm: f.cms?.digestAlgorithm ?? imprintAlgorithm(f.documentTimestamp) ?? null,
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
  const ltv = new LtvSources(readDss(source.doc ?? source.readable), opts, validationTime);
  const doc: DocumentContext = { validationTime, source, ltv, documentTimestamps: new Map() };
  doc.documentTimestamps = await checkDocumentTimestamps(pdf, source.fields, timestampContext(opts, doc));
  const signatures: SignatureReport[] = [];
  for (const [i, field] of source.fields.entries())
    signatures.push(report(await gatherFacts(pdf, field, opts, doc), i, opts));
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
    documentSha256: opts.documentSha256?.toUpperCase() ?? sha256Hex(pdf),
    signatureCount: signatures.length,
    signatures,
    reasons: documentReasons,
  };
}
