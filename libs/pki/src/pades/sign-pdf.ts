import { createHash, Hash } from 'node:crypto';
import { buildSignedData } from '../cms';
import { embedSignatureInUpdate, FormChanges, preparePdfSignatureUpdate, WidgetAppearance } from '../pdf';
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
  /** Text fields reserved or filled in the signature's own update (reserveTextFields, fillTextFields). */
  form?: FormChanges;
  /**
   * A SHA-256 state already fed with exactly the input's bytes (hashed as they were uploaded): the
   * input is then not read again for its digests. Copied, never consumed.
   */
  inputSha256?: Hash;
}

/** Room for the CMS: attributes, signature and the embedded certificates, with margin. */
const CMS_OVERHEAD_BYTES = 4096;
const MIN_CONTENTS_SIZE = 16_384;
/** Room for a signature timestamp token: the TSA's certificate chain and its signature. */
const TIMESTAMP_OVERHEAD_BYTES = 8192;

/** A signature as the bytes to append to the input, with the digests made in the same pass over it. */
export interface SignedPdfUpdate {
  /** The signed file is the input followed by these bytes (the input is never rewritten). */
  update: Uint8Array;
  /** SHA-256 (hex) of the input and of the signed file. */
  inputSha256: string;
  signedSha256: string;
}

/**
 * PAdES B-B, or B-T with `timestamp` (ETSI EN 319 142-1 6.3): a placeholder is appended as an incremental update, the
 * byte ranges are hashed as they lie in the file, and the detached CAdES goes into /Contents.
 * The CMS carries no signing-time attribute: the time is /M in the signature dictionary.
 */
export async function signPdf(pdf: Uint8Array, opts: SignPdfOptions): Promise<Uint8Array> {
  const { update } = await signPdfUpdate(pdf, opts);
  const out = new Uint8Array(pdf.length + update.length);
  out.set(pdf, 0);
  out.set(update, pdf.length);
  return out;
}

/**
 * signPdf without copying the input, for large files: the caller sends the input followed by
 * `update`. The input is hashed once (or not at all here, given `inputSha256`): the signed ranges,
 * the input's digest and the signed file's digest all continue one SHA-256 state (the first range
 * is the whole input and the update's head).
 */
export async function signPdfUpdate(pdf: Uint8Array, opts: SignPdfOptions): Promise<SignedPdfUpdate> {
  const archive = opts.revocationInfoArchival;
  const certBytes =
    [opts.certificate, ...opts.chain].reduce((n, c) => n + c.der.length, 0) +
    [...(archive?.crls ?? []), ...(archive?.ocsps ?? [])].reduce((n, b) => n + b.length, 0);
  const prepared = preparePdfSignatureUpdate(pdf, {
    fieldName: opts.fieldName,
    signingTime: opts.signingTime,
    timeZoneOffsetMinutes: opts.timeZoneOffsetMinutes,
    reason: opts.reason,
    location: opts.location,
    name: opts.name ?? opts.certificate.subject.get('CN'),
    contactInfo: opts.contactInfo,
    subFilter: 'ETSI.CAdES.detached',
    appearance: opts.appearance,
    form: opts.form,
    contentsSize: Math.max(
      MIN_CONTENTS_SIZE,
      certBytes + CMS_OVERHEAD_BYTES + (opts.timestamp ? TIMESTAMP_OVERHEAD_BYTES : 0),
    ),
  });
  const { update, updateStart } = prepared;
  const [, lt, gt] = prepared.byteRange;
  const input = opts.inputSha256 ? opts.inputSha256.copy() : createHash('sha256').update(pdf);
  const ranges = input
    .copy()
    .update(update.subarray(0, lt - updateStart))
    .update(update.subarray(gt - updateStart));
  const cms = await buildSignedData({
    contentDigest: ranges.digest(),
    signerCertificate: opts.certificate,
    certificates: opts.chain,
    signer: opts.signer,
    includeSigningTimeAttribute: false,
    revocationInfoArchival: archive,
    signatureTimestamp: opts.timestamp && ((value) => requestTimestampToken(opts.timestamp!, [value])),
  });
  embedSignatureInUpdate(prepared, cms);
  const signedSha256 = input.copy().update(update).digest('hex');
  return { update, inputSha256: input.digest('hex'), signedSha256 };
}
