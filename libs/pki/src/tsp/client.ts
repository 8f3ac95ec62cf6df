import { PkiFormatError } from '../errors';
import { buildTimeStampRequest } from './request';
import { parseTimeStampResponse } from './token';
import { verifyTimeStampResponse } from './verify';

/** The transport to a TSA, injected: posts a DER TimeStampReq, resolves with the DER TimeStampResp. */
export type TimestampClient = (requestDer: Uint8Array) => Promise<Uint8Array>;

/**
 * A TimeStampToken over `data` (hashed with SHA-256), checked before use: granted, imprint and
 * nonce as sent, the TSA's signature and its timeStamping certificate (trust in the TSA is the
 * verifier's decision). Throws PkiFormatError TSP_RESPONSE_REFUSED with the problems otherwise.
 */
export async function requestTimestampToken(client: TimestampClient, data: readonly Uint8Array[]): Promise<Uint8Array> {
  const request = buildTimeStampRequest({ data: Buffer.concat(data) });
  const response = await client(request.der);
  const verdict = verifyTimeStampResponse(response, {
    imprint: request.messageImprint.hashedMessage,
    nonce: request.nonce,
  });
  if (!verdict.valid)
    throw new PkiFormatError('TSP_RESPONSE_REFUSED', `The TSA's answer is not usable: ${verdict.problems.join(', ')}`);
  return parseTimeStampResponse(response).token!;
}
