import { createHash } from 'node:crypto';
import { buildSignedData } from '../cms';
import { embedSignature, preparePdfSignature, signedByteRanges, WidgetAppearance } from '../pdf';
import { RawSigner } from '../signer';
import { requestTimestampToken, TimestampClient } from '../tsp/client';
import { Certificate } from '../x509/certificate';

export interface SignPdfOptions {
  signer: RawSigner;
  certificate: Certificate;
  /** The issuing CAs (the root may be left out); embedded in the CMS for verifiers. */
  chain: Certificate[];
  signingTime: Date;
  reason?: string;
  location?: string;
  /** Default: the certificate's CN. */
  name?: string;
  contactInfo?: string;
  fieldName?: string;
  timeZoneOffsetMinutes?: number;
  /** PAdES B-T: a TSA adds a signature timestamp (proof the signature existed at its time). */
  timestamp?: TimestampClient;
  /** Revocation data to sign with the signature (adbe-revocationInfoArchival): CRLs and OCSPResponses, DER. */
  revocationInfoArchival?: { crls: Uint8Array[]; ocsps: Uint8Array[] };
  /** A visible signature or text stamp (renderVisibleSignature, renderTextStamp); default invisible. */
  appearance?: WidgetAppearance;
}

/** Room for the CMS: attributes, signature and the embedded certificates, with margin. */
const CMS_OVERHEAD_BYTES = 4096;
const MIN_CONTENTS_SIZE = 16_384;
/** Room for a signature timestamp token: the TSA's certificate chain and its signature. */
const TIMESTAMP_OVERHEAD_BYTES = 8192;

/**
 * PAdES B-B, or B-T with `timestamp` (ETSI EN 319 142-1 6.3): a placeholder is appended as an incremental update, the
 * byte ranges are hashed as they lie in the file, and the detached CAdES goes into /Contents.
 * The CMS carries no signing-time attribute: the time is /M in the signature dictionary.
 */
export async function signPdf(pdf: Uint8Array, opts: SignPdfOptions): Promise<Uint8Array> {
  const archive = opts.revocationInfoArchival;
  const certBytes =
    [opts.certificate, ...opts.chain].reduce((n, c) => n + c.der.length, 0) +
    [...(archive?.crls ?? []), ...(archive?.ocsps ?? [])].reduce((n, b) => n + b.length, 0);
  const prepared = preparePdfSignature(pdf, {
    fieldName: opts.fieldName,
    signingTime: opts.signingTime,
    timeZoneOffsetMinutes: opts.timeZoneOffsetMinutes,
    reason: opts.reason,
    location: opts.location,
    name: opts.name ?? opts.certificate.subject.get('CN'),
    contactInfo: opts.contactInfo,
    subFilter: 'ETSI.CAdES.detached',
    appearance: opts.appearance,
    contentsSize: Math.max(
      MIN_CONTENTS_SIZE,
      certBytes + CMS_OVERHEAD_BYTES + (opts.timestamp ? TIMESTAMP_OVERHEAD_BYTES : 0),
    ),
  });
  const hash = createHash('sha256');
  for (const range of signedByteRanges(prepared.pdf, prepared.byteRange)) hash.update(range);
  const cms = await buildSignedData({
    contentDigest: hash.digest(),
    signerCertificate: opts.certificate,
    certificates: opts.chain,
    signer: opts.signer,
    includeSigningTimeAttribute: false,
    revocationInfoArchival: archive,
    signatureTimestamp: opts.timestamp && ((value) => requestTimestampToken(opts.timestamp!, [value])),
  });
  return embedSignature(prepared, cms);
}
