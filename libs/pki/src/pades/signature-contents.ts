import { createHash } from 'node:crypto';
import { SignedDataVerification, verifySignedData } from '../cms';
import { PdfSignatureField, signedByteRanges } from '../pdf';
import { Certificate } from '../x509/certificate';

/** The signature sub-filters read (ISO 32000-1 12.8.3, ETSI EN 319 142-1 6.3 / 5.4). */
export const SUB_FILTERS = ['adbe.pkcs7.detached', 'ETSI.CAdES.detached', 'adbe.pkcs7.sha1', 'ETSI.RFC3161'] as const;

export interface SignatureContents {
  cms: SignedDataVerification;
  /**
   * Whether the byte ranges hash to what the CMS signed indirectly (the SHA-1 digest encapsulated
   * by adbe.pkcs7.sha1) or equal the encapsulated content of an enveloping CMS. Undefined for
   * the detached sub-filters, whose CMS message digest covers the byte ranges directly.
   */
  documentDigestMatches?: boolean;
  /** What makes a valid CMS not what PAdES prescribes (warnings, ETSI EN 319 142-1 6.3). */
  notEtsiConformant: string[];
}

/** SHA-256 of a field's byte ranges, hashed along with the whole file's (`pdfSha256`). */
const RANGES_SHA256 = new WeakMap<PdfSignatureField, Buffer>();

/**
 * SHA-256 of the whole file, the bytes it shares with a signature's byte ranges hashed once (issue
 * 16.3): the range [0, b) before the signature's /Contents, then the state copied, one copy going
 * on with the rest of the file, the other with the second range. The range digest is kept for
 * readSignatureContents (per field object, so for these bytes only). The field chosen is the CMS
 * signature (not a document timestamp, nor adbe.pkcs7.sha1) whose first range is longest.
 */
export function sha256SharingRanges(pdf: Uint8Array, fields: readonly PdfSignatureField[]): Buffer {
  let best: { field: PdfSignatureField; ranges: Uint8Array[] } | undefined;
  for (const field of fields) {
    if (field.subFilter === 'ETSI.RFC3161' || field.subFilter === 'adbe.pkcs7.sha1' || field.byteRange[0] !== 0)
      continue;
    let ranges: Uint8Array[];
    try {
      ranges = signedByteRanges(pdf, field.byteRange);
    } catch {
      continue; // outside the file: readSignatureContents reports it
    }
    if (!best || ranges[0].length > best.ranges[0].length) best = { field, ranges };
  }
  if (!best) return createHash('sha256').update(pdf).digest();
  const [first, second] = best.ranges;
  const prefix = createHash('sha256').update(first);
  const whole = prefix.copy().update(pdf.subarray(first.length)).digest();
  RANGES_SHA256.set(best.field, prefix.update(second).digest());
  return whole;
}

function digestOf(node: string, chunks: readonly Uint8Array[]): Buffer {
  const h = createHash(node);
  for (const c of chunks) h.update(c);
  return h.digest();
}

function sameBytes(whole: Uint8Array, chunks: readonly Uint8Array[]): boolean {
  let at = 0;
  for (const c of chunks) {
    if (!Buffer.from(whole.subarray(at, at + c.length)).equals(Buffer.from(c))) return false;
    at += c.length;
  }
  return at === whole.length;
}

/**
 * Verifies a signature field's CMS over its byte ranges as its sub-filter says. Never throws for
 * malformed CMS (cms.formatOk=false); throws PdfFormatError for a byte range outside the file.
 */
export function readSignatureContents(
  pdf: Uint8Array,
  field: PdfSignatureField,
  extraCertificates: Certificate[] | undefined,
): SignatureContents {
  const ranges = signedByteRanges(pdf, field.byteRange);
  const encapsulating = field.subFilter === 'adbe.pkcs7.sha1';
  // adbe.pkcs7.sha1 signs its encapsulated SHA-1, which stands for the ranges. Document timestamps
  // (ETSI.RFC3161) are judged by checkDocumentTimestamps (timestamps.ts), not here.
  const shared = RANGES_SHA256.get(field);
  const cms = verifySignedData(field.contents, encapsulating ? [] : ranges, {
    extraCertificates,
    contentDigests: shared && { sha256: shared },
  });
  const out: SignatureContents = { cms, notEtsiConformant: [] };
  if (!cms.formatOk) {
    // e.g. adbe.x509.rsa_sha1 (a PKCS#1 value, the certificate in /Cert): say why it is no CMS
    if (!(SUB_FILTERS as readonly (string | null)[]).includes(field.subFilter))
      cms.problems.unshift('SUB_FILTER_UNSUPPORTED');
    return out;
  }
  if (field.subFilter === 'adbe.pkcs7.sha1') {
    const content = cms.encapsulatedContent;
    out.documentDigestMatches = !!content && digestOf('sha1', ranges).equals(Buffer.from(content));
    cms.crypto?.digests.push('sha1'); // the document's integrity rests on SHA-1 too
    out.notEtsiConformant.push('SUB_FILTER_ADBE_PKCS7_SHA1');
  } else if (cms.encapsulatedContent?.length === 0) {
    // An empty eContent beside a detached sub-filter (ISO 32000-1 12.8.3.3.1: no data encapsulated)
    // signs nothing of the document: a malformed signature, not a changed document (pyHanko refuses it too).
    cms.formatOk = false;
    cms.problems.push('CMS_CONTENT_NOT_DETACHED');
  } else if (cms.encapsulatedContent !== undefined) {
    // Enveloping: the CMS signs its eContent, which must then be the byte ranges themselves.
    out.documentDigestMatches = sameBytes(cms.encapsulatedContent, ranges);
    out.notEtsiConformant.push('CMS_CONTENT_NOT_DETACHED');
  }
  if (cms.signerInfoCount > 1) out.notEtsiConformant.push('CMS_MULTIPLE_SIGNERS');
  // EN 319 142-1 6.3 (PAdES baseline): signing-certificate-v2 shall be present; DSS warns (SigningCertificatePresent).
  if (
    field.subFilter === 'ETSI.CAdES.detached' &&
    cms.signerCertificate &&
    cms.signingCertificateV2Matches === undefined
  )
    out.notEtsiConformant.push('SIGNING_CERTIFICATE_MISSING');
  if (cms.problems.includes('CMS_SIGNED_ATTRIBUTES_NOT_DER'))
    out.notEtsiConformant.push('CMS_SIGNED_ATTRIBUTES_NOT_DER');
  return out;
}
