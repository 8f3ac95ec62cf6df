import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector, Dispatcher } from 'undici';
import { AddressPolicy, AddressRefusal } from './address-guard';

/** Thrown by the guarded connector; callers find it in the cause chain of the request's error. */
export class AddressRefusedError extends Error {
  readonly code = 'FETCH_ADDRESS_REFUSED';
  constructor(refusal: AddressRefusal) {
    super(refusal.message);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * The undici dispatcher every outbound call to a URL someone else chose goes through (the verifier's
 * revocation fetches, the gateway's webhook deliveries): each connection's
 * address is checked against the policy after DNS resolution (every address the name gives, so a
 * DNS answer cannot slip a loopback address past a check done earlier on the name) and, for an
 * address written in the URL, before connecting. `lookup` is DNS by default; tests may inject one.
 */
export function guardedDispatcher(
  policy: AddressPolicy,
  opts: { connectTimeoutMs?: number; lookup?: Lookup } = {},
): Dispatcher {
  const resolve: Lookup = opts.lookup ?? (dnsLookup as unknown as Lookup);
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    if (isIP(host)) {
      const refusal = policy.check(host, host, port);
      if (refusal) return callback(new AddressRefusedError(refusal), null);
    }
    const lookup = (hostname: string, lookupOpts: LookupOptions, cb: LookupCallback) =>
      resolve(hostname, { ...lookupOpts, all: true }, (err, addresses) => {
        if (err) return cb(err, []);
        const list = addresses as LookupAddress[];
        for (const a of list) {
          const refusal = policy.check(hostname, a.address, port);
          if (refusal) return cb(new AddressRefusedError(refusal), []);
        }
        if (lookupOpts.all) return cb(null, list);
        if (!list[0]) return cb(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
        cb(null, list[0].address, list[0].family);
      });
    // A connector per connection, so the lookup knows the port the URL names.
    buildConnector({ timeout: opts.connectTimeoutMs ?? 10_000, lookup } as buildConnector.BuildOptions)(
      options,
      callback,
    );
  };
  return new Agent({ connect, keepAliveTimeout: 1_000 });
}
