import { embedSignature, preparePdfSignature, signedByteRanges } from '../pdf';
import { requestTimestampToken, TimestampClient } from '../tsp/client';

export interface TimestampPdfOptions {
  tsa: TimestampClient;
  /** The time the update is written (seeds the file identifier); the proven time is the token's. */
  time: Date;
  fieldName?: string;
  /** Bytes reserved for the token. Default 16384. */
  contentsSize?: number;
}

/**
 * A document timestamp (PAdES B-LTA, ETSI EN 319 142-1 5.4.3): an incremental update with a
 * /DocTimeStamp field whose /Contents is an RFC 3161 token over the byte ranges. Added after a
 * DSS it proves that the signatures and their validation data existed at its time.
 */
export async function timestampPdf(pdf: Uint8Array, opts: TimestampPdfOptions): Promise<Uint8Array> {
  const prepared = preparePdfSignature(pdf, {
    fieldName: opts.fieldName,
    signingTime: opts.time,
    subFilter: 'ETSI.RFC3161',
    contentsSize: opts.contentsSize,
  });
  const token = await requestTimestampToken(opts.tsa, signedByteRanges(prepared.pdf, prepared.byteRange));
  return embedSignature(prepared, token);
}
