import { MAX_CRL_BYTES, MAX_OCSP_RESPONSE_BYTES, RevocationFetcher } from '@kyso/pki';

/** Each CRL or OCSP download at registration: an operator waits for the answer. */
export const REVOCATION_FETCH_TIMEOUT_MS = 5_000;

/** A failed download, with the stable code the revocation checkers add to an `unknown` status. */
class FetchFailure extends Error {
  constructor(
    readonly problem: string,
    message: string,
  ) {
    super(message);
  }
}

async function download(
  url: string,
  init: { method: 'GET' | 'POST'; body?: Uint8Array; contentType?: string; accept: string },
  maxBytes: number,
  timeoutMs: number,
): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new FetchFailure('FETCH_UNSUPPORTED_URL', `not http(s): ${url.slice(0, 80)}`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      body: init.body ? Buffer.from(init.body) : undefined,
      headers: { accept: init.accept, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      // A redirect could lead anywhere; CAs publish their CRLs and responders where the certificate says.
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError';
    throw new FetchFailure(timedOut ? 'FETCH_TIMEOUT' : 'FETCH_NETWORK_ERROR', (e as Error).message);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new FetchFailure('FETCH_HTTP_STATUS', `HTTP ${res.status}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) throw new FetchFailure('FETCH_TOO_LARGE', `more than ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    if (e instanceof FetchFailure) throw e;
    throw new FetchFailure((e as Error).name === 'TimeoutError' ? 'FETCH_TIMEOUT' : 'FETCH_NETWORK_ERROR', String(e));
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Downloads the CRLs and OCSP answers a certificate names, bounded in time and size. Only asked
 * for a certificate whose path to an enabled trust anchor already validated, so the URLs are those
 * a trusted CA signed, not what a caller typed.
 */
export function httpRevocationFetcher(timeoutMs = REVOCATION_FETCH_TIMEOUT_MS): RevocationFetcher {
  return {
    fetchCrl: (url) => download(url, { method: 'GET', accept: 'application/pkix-crl' }, MAX_CRL_BYTES, timeoutMs),
    fetchOcsp: (url, request) =>
      download(
        url,
        {
          method: 'POST',
          body: request,
          contentType: 'application/ocsp-request',
          accept: 'application/ocsp-response',
        },
        MAX_OCSP_RESPONSE_BYTES,
        timeoutMs,
      ),
  };
}
