import { createHash } from 'node:crypto';
import { oid } from '../asn1';
import { parseSignedData, verifySignedData } from '../cms';
import { PkiFormatError } from '../errors';
import { failed } from '../indication';
import { judgeCmsSignature, revocationSummary, timestampReport, validateSignerPath } from '../pades/judge-cms';
import { LtvSources } from '../pades/ltv';
import { earliestProof, judgementTime, proofOfExistence } from '../pades/poe';
import { chainEntries, signerSummary } from '../pades/signer-summary';
import { CheckedTimestamp, checkSignatureTimestamps, timestampFact } from '../pades/timestamps';
import type { VerifyPdfOptions } from '../pades/verify-pdf';
import { noEvidence } from '../revocation/embedded';
import { DocumentReport, SignatureReport } from '../report';
import { validateTimestamp } from '../tsp/validate';
import { reason } from '../validation';
import { DIGESTS } from '../x509/algorithms';
import { archiveImprintInput, hashIndexProblems, readHashIndex } from './archive';
import { CmsContent, digestContent } from './content';
import { signedDataEvidence } from './evidence';
import { CADES_OID } from './oids';
import { attributeParts, SignedDataParts, signedDataParts } from './structure';

/** The same trust, revocation, algorithm and POE options as PDF validation. */
export type VerifyCmsOptions = VerifyPdfOptions;

/** Budget: archive timestamps validated per signature (each costs a path validation). */
export const MAX_ARCHIVE_TIMESTAMPS = 4;

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').toUpperCase();

/** The DER parts, when the CMS is DER: needed for the B-LT evidence and B-LTA archive timestamps. */
function derParts(cms: Uint8Array): SignedDataParts | null {
  try {
    return signedDataParts(cms);
  } catch (e) {
    if (e instanceof PkiFormatError) return null;
    throw e;
  }
}

/**
 * archive-time-stamp-v3 attributes, newest first: each is over the signature, its content and the
 * hash index of what the SignedData held then. A newer valid one is the POE of the older ones'
 * TSAs, as document timestamps are in PDF.
 */
async function checkArchiveTimestamps(
  parts: SignedDataParts | null,
  contentSha256: Uint8Array | undefined,
  ctx: Parameters<typeof checkSignatureTimestamps>[1],
): Promise<CheckedTimestamp[]> {
  if (!parts || !contentSha256) return [];
  const attrs = parts.signer.unsignedAttrs;
  const archives = attrs
    .map((a, i) => ({ a: attributeParts(a), i }))
    .filter(({ a }) => Buffer.from(a.typeDer).equals(Buffer.from(oid(CADES_OID.archiveTimestampV3))))
    .slice(-MAX_ARCHIVE_TIMESTAMPS)
    .reverse();
  const out: CheckedTimestamp[] = [];
  for (const { a, i } of archives) {
    const token = a.values[0];
    const index = readHashIndex(token);
    const problems = index ? hashIndexProblems(index, parts, attrs.slice(0, i)) : ['no ats-hash-index-v3'];
    const newer = out.filter((t) => t.validation.valid && t.validation.genTime);
    const tsaTime = newer.length
      ? new Date(Math.min(...newer.map((t) => t.validation.genTime!.getTime())))
      : ctx.validationTime;
    const validation = await validateTimestamp({
      token,
      data: [archiveImprintInput(parts, contentSha256, index?.der ?? new Uint8Array())],
      trustAnchors: ctx.trustAnchors,
      intermediates: ctx.intermediates,
      validationTime: tsaTime,
      revocation: ctx.revocation(),
      algorithmPolicy: ctx.algorithmPolicy,
    });
    if (problems.length) {
      validation.valid = false;
      validation.result = failed('FORMAT_FAILURE');
      validation.reasons.push(reason('TIMESTAMP_INVALID', { detail: `archive-time-stamp-v3: ${problems.join('; ')}` }));
    }
    // The report's timestamp kinds are those of PAdES: an archive timestamp covers the whole signed document.
    out.push({ type: 'document', fieldName: 'archive-time-stamp-v3', validation });
  }
  return out;
}

/** How the content is given: embedded in the CMS, or detached and hashed here as a stream. */
async function contentDigests(
  encapsulated: Uint8Array | undefined,
  detached: CmsContent | undefined,
  digestOid: string | undefined,
): Promise<{ digests: Record<string, Uint8Array>; sha256?: Uint8Array; length: number } | null> {
  const wanted = ['sha256', ...(digestOid && DIGESTS[digestOid] ? [DIGESTS[digestOid].node] : [])];
  const source = encapsulated ?? detached;
  if (!source) return null;
  const { digests, length } = await digestContent(source, wanted);
  return { digests, sha256: digests.sha256, length };
}

/**
 * Verifies a CAdES (or any CMS SignedData) signature: over its encapsulated content, or over
 * `content` given apart (a detached signature; a path or stream is hashed as it is read). Produces
 * the report verifyPdf does, judged by the same rules (path, revocation with the signature's own
 * B-LT evidence first, signature and archive timestamps as proofs of existence, algorithms).
 * Throws PkiFormatError (CMS_*) only when the input is not a CMS SignedData at all.
 */
export async function verifyCms(
  cms: Uint8Array,
  content: CmsContent | undefined,
  opts: VerifyCmsOptions,
): Promise<DocumentReport> {
  const parsed = parseSignedData(cms);
  const validationTime = opts.validationTime ?? new Date();
  const hashed = await contentDigests(parsed.encapContent, content, parsed.signerInfos[0].digestAlgorithm.oid);
  const parts = derParts(cms);
  const ltv = new LtvSources(parts ? signedDataEvidence(parts) : noEvidence(), opts, validationTime);
  const intermediates = [...(opts.intermediates ?? []), ...ltv.certificates];
  const ctx = {
    trustAnchors: opts.timestampTrustAnchors ?? opts.trustAnchors,
    intermediates,
    validationTime,
    revocation: () => ltv.revocationFor(null),
    algorithmPolicy: opts.algorithmPolicy,
  };
  const report = (signature: SignatureReport | null, reasons: DocumentReport['reasons']): DocumentReport => ({
    conclusion: signature ? signature.indication : 'INDETERMINATE',
    validationTime: validationTime.toISOString(),
    documentSha256: hashed?.sha256 ? Buffer.from(hashed.sha256).toString('hex').toUpperCase() : sha256Hex(cms),
    signatureCount: signature ? 1 : 0,
    signatures: signature ? [signature] : [],
    reasons,
  });
  if (!hashed) return report(null, [reason('SIGNED_DATA_NOT_FOUND')]);

  const v = verifySignedData(cms, [], { extraCertificates: intermediates, contentDigests: hashed.digests });
  const archives = await checkArchiveTimestamps(parts, hashed.sha256, ctx);
  const archivePoe = proofOfExistence(archives.map(timestampFact), validationTime);
  const signatureTimestamps = v.formatOk ? await checkSignatureTimestamps(cms, ctx, archivePoe ?? validationTime) : [];
  const timestamps = [...signatureTimestamps, ...archives];
  const poe = proofOfExistence(timestamps.map(timestampFact), validationTime);
  const proven = earliestProof(poe, opts.proofsOfExistence ?? [], sha256Hex(cms), validationTime);
  const judgedAt = judgementTime(proven.poe, validationTime);
  const known = [...v.certificates, ...intermediates];
  const path = await validateSignerPath(v, known, opts, judgedAt, ltv.revocationFor(cms));
  const claimedSigningTime = v.claimedSigningTime ?? null;
  const { result, reasons } = judgeCmsSignature(
    { cms: v, path, claimedSigningTime, timestamps, proven, judgedAt },
    opts,
  );
  // As in PAdES: valid, but not the DER nor the signing-certificate(-v2) that CAdES (EN 319 122-1) prescribes.
  const notConformant = [
    ...(v.problems.includes('CMS_SIGNED_ATTRIBUTES_NOT_DER') ? ['CMS_SIGNED_ATTRIBUTES_NOT_DER'] : []),
    ...(v.signerCertificate && v.signingCertificateV2Matches === undefined ? ['SIGNING_CERTIFICATE_MISSING'] : []),
  ];
  if (notConformant.length > 0) reasons.push(reason('NOT_ETSI_CONFORMANT', { detail: notConformant.join(', ') }));
  const chain = path?.chain ?? (v.signerCertificate ? [v.signerCertificate] : []);
  const tsaAnchors = opts.timestampTrustAnchors ?? opts.trustAnchors;
  const signature: SignatureReport = {
    id: 'signature-1',
    fieldName: null,
    indication: result.indication,
    subIndication: result.subIndication ?? null,
    signer: signerSummary(v.signerCertificate),
    signingTime: {
      claimed: claimedSigningTime?.toISOString() ?? null,
      timestamped: poe?.toISOString() ?? null,
      judgedAt: judgedAt.toISOString(),
      provenBy: proven.provenBy,
      evidenceId: proven.evidenceId,
    },
    signatureSha256: sha256Hex(cms),
    timestamps: timestamps.map((t) => timestampReport(t, tsaAnchors)),
    subFilter: parsed.encapContent ? 'CAdES attached' : 'CAdES detached',
    digestAlgorithm: v.digestAlgorithm,
    signatureAlgorithm: v.signatureAlgorithm,
    // A CMS signs its whole content: no byte ranges, no later revisions.
    coverage: {
      byteRange: [],
      coversWholeRevision: true,
      coversWholeDocument: true,
      signedRevisionLength: hashed.length,
    },
    modifications: { changedAfterSigning: false, allowed: null, description: [] },
    chain: chainEntries(chain, opts.trustAnchors),
    revocation: revocationSummary(path),
    reasons,
  };
  return report(signature, []);
}
