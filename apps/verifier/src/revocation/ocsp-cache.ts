import { createHash } from 'node:crypto';
import { parseOcspResponse, SingleResponse } from '@kyso/pki';

/** A cached OCSP answer as callers see it. */
export interface CachedOcsp {
  /** ocspCacheKey(url, request). */
  key: string;
  url: string;
  der: Uint8Array;
  fetchedAt: Date;
  nextUpdate: Date;
}

/**
 * The cache key of an OCSP exchange: the responder URL and the DER request. The verifier sends no
 * nonce, so the request is the CertID (issuer name and key hashes, serial) and nothing else.
 */
export function ocspCacheKey(url: string, request: Uint8Array): string {
  return createHash('sha256').update(url).update('\n').update(request).digest('hex');
}

/**
 * Until when an answer may be reused: the earliest nextUpdate of its single responses. Undefined
 * (not cached) when it is not a successful basic response or a single response has no nextUpdate.
 * Whether the answer is genuine is checked by every validation that reads it, cached or not.
 */
export function ocspReusableUntil(der: Uint8Array): Date | undefined {
  const singles = singleResponses(der);
  if (!singles?.length || singles.some((s) => !s.nextUpdate)) return undefined;
  return new Date(Math.min(...singles.map((s) => s.nextUpdate!.getTime())));
}

function singleResponses(der: Uint8Array): SingleResponse[] | undefined {
  try {
    const parsed = parseOcspResponse(der);
    return parsed.responseStatus === 'successful' ? parsed.basic?.responses : undefined;
  } catch {
    return undefined; // unparsable: the validation that asked says why; nothing to keep
  }
}
