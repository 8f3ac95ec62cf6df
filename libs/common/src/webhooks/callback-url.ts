import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { Caller } from '../caller';
import { AddressPolicy } from '../net/address-guard';
import type { Lookup } from '../net/guarded-dispatcher';
import { unprocessable } from '../problem';

export const MAX_CALLBACK_URL_CHARS = 2048;

export const CALLBACK_URL_REFUSED = 'CALLBACK_URL_REFUSED';

export const callbackRefused = (reason: string) =>
  unprocessable(CALLBACK_URL_REFUSED, `callbackUrl cannot be honoured: ${reason}`, { field: 'callbackUrl' });

export const CALLBACK_URL_NOT_SUPPORTED = 'CALLBACK_URL_NOT_SUPPORTED';

/**
 * A route answered at once with its result (signing, certificate checks...) has nothing to call
 * back with: a `callbackUrl` there is refused, so a caller never waits for a webhook that will not come.
 */
export const callbackNotSupported = () =>
  unprocessable(
    CALLBACK_URL_NOT_SUPPORTED,
    'This route answers with its result and sends no webhook: leave callbackUrl out (README, "Webhooks").',
    { field: 'callbackUrl' },
  );

/** Refuses (422 CALLBACK_URL_NOT_SUPPORTED) a `callbackUrl` form or JSON field on a route without webhooks. */
export function refuseCallbackUrl(fields: Record<string, unknown> | undefined): void {
  if (fields && Object.prototype.hasOwnProperty.call(fields, 'callbackUrl')) throw callbackNotSupported();
}

/**
 * The system a callback would be signed for. Only systems (API keys) hold a webhook secret; an
 * operator's or a key's without a secret (made before webhooks existed: rotate it to get one)
 * callback could not be signed, so it is refused rather than ignored.
 */
export function webhookSystemId(caller: Caller): string {
  if (caller.kind !== 'system') throw callbackRefused('only systems (API keys) receive webhooks');
  if (caller.webhooks === false)
    throw callbackRefused('this API key has no webhook secret yet (POST /api-keys/{id}/webhook-secret)');
  return caller.id;
}

/**
 * Whether a callback URL may be called: http(s) without credentials, and a host whose every address
 * passes the same address guard as revocation fetching (loopback, private, link-local, metadata...
 * refused unless allow-listed). Checked when the request arrives and again at each delivery (the
 * guarded dispatcher), since DNS may answer differently later.
 */
export class CallbackUrlGuard {
  private readonly policy: AddressPolicy;

  constructor(
    allow: readonly string[],
    private readonly lookup: Lookup = dnsLookup as unknown as Lookup,
  ) {
    this.policy = new AddressPolicy(allow);
  }

  /** Why the URL is refused, or undefined when it may be called. */
  async refusal(raw: unknown): Promise<string | undefined> {
    if (typeof raw !== 'string' || !raw) return 'not a URL';
    if (raw.length > MAX_CALLBACK_URL_CHARS) return `longer than ${MAX_CALLBACK_URL_CHARS} characters`;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'not a URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https, not ${url.protocol}`;
    if (url.username || url.password) return 'a URL with credentials';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.resolve(host);
    } catch {
      return `${host} does not resolve`;
    }
    for (const a of addresses) {
      const r = this.policy.check(host, a, port);
      if (r) return r.message;
    }
    return undefined;
  }

  private resolve(host: string): Promise<string[]> {
    return new Promise((resolve, reject) =>
      this.lookup(host, { all: true }, (err, list) =>
        err ? reject(err) : resolve((list as LookupAddress[]).map((a) => a.address)),
      ),
    );
  }
}
