import { TIMESTAMP_QUERY_MEDIA_TYPE, TIMESTAMP_REPLY_MEDIA_TYPE } from '@kyso/contracts';
import type { TimestampClient } from '@kyso/pki';
import { TimestampAuthority } from './signing-seams';
/** A TimeStampResp with the TSA's chain is a few KiB; anything far larger is not one. */
const MAX_REPLY_BYTES = 256 * 1024;

/** The TSA did not answer with a TimeStampResp: down, slow, or not a TSA. Mapped to 503 TSA_UNAVAILABLE. */
export class TsaUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsaUnavailableError';
  }
}

/**
 * RFC 3161 over HTTP (section 3.4): POST the DER request, read the DER reply. The reply's content
 * (granted, imprint, nonce, signature) is checked by requestTimestampToken, not here.
 */
export function httpTimestampClient(tsaUrl: string, timeoutMs: number): TimestampClient {
  return async (requestDer) => {
    let res: Response;
    try {
      res = await fetch(tsaUrl, {
        method: 'POST',
        headers: { 'content-type': TIMESTAMP_QUERY_MEDIA_TYPE, accept: TIMESTAMP_REPLY_MEDIA_TYPE },
        body: Buffer.from(requestDer),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new TsaUnavailableError(
        (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'not reachable',
      );
    }
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !type.startsWith(TIMESTAMP_REPLY_MEDIA_TYPE)) {
      await res.body?.cancel();
      throw new TsaUnavailableError(`answered ${res.status} ${type || 'without a content type'}`);
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length > MAX_REPLY_BYTES) throw new TsaUnavailableError(`answered ${body.length} bytes`);
    return body;
  };
}

/** The TSA of the configuration (KYSO_TSA_URL), or none. */
export class ConfiguredTimestampAuthority extends TimestampAuthority {
  private readonly tsa?: TimestampClient;

  constructor(tsaUrl: string | undefined, timeoutMs: number) {
    super();
    this.tsa = tsaUrl ? httpTimestampClient(tsaUrl, timeoutMs) : undefined;
  }

  client(): TimestampClient | undefined {
    return this.tsa;
  }
}
