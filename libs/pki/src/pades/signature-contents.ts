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
  const cms = verifySignedData(field.contents, encapsulating ? [] : ranges, { extraCertificates });
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
