import { Dispatcher, request } from 'undici';
import { AddressPolicy, AddressRefusedError, guardedDispatcher, Lookup } from '@kyso/common';
import { MAX_CA_ISSUERS_BYTES, MAX_CRL_BYTES, MAX_OCSP_RESPONSE_BYTES } from '@kyso/pki';

/** Redirects followed (style rule 7). Bytes per download are the PKI core's parse limits (budgets.ts). */
export const MAX_REDIRECTS = 3;

export type FetchErrorCode =
  | 'FETCH_UNSUPPORTED_URL'
  | 'FETCH_ADDRESS_REFUSED'
  | 'FETCH_REDIRECT_REFUSED'
  | 'FETCH_TOO_MANY_REDIRECTS'
  | 'FETCH_TIMEOUT'
  | 'FETCH_NETWORK_ERROR'
  | 'FETCH_HTTP_STATUS'
  | 'FETCH_TOO_LARGE';

/**
 * The outcome of a download, as a value: a refusal is an expected answer to a hostile or broken
 * certificate, not an exception. `permanent`: retrying soon cannot help (bad URL, refused address,
 * too big, refused by the server); otherwise the queue retries with backoff.
 */
export type FetchResult =
  { ok: true; body: Uint8Array } | { ok: false; code: FetchErrorCode; message: string; permanent: boolean };

export interface HttpFetchSpec {
  method: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
  accept: string;
  maxBytes: number;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
}

/** Statuses worth retrying; every other non-2xx answer is taken as the server's final word. */
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const refuse = (code: FetchErrorCode, message: string, permanent = true): FetchResult => ({
  ok: false,
  code,
  message,
  permanent,
});

function parseHttpUrl(raw: string, base?: URL): URL | FetchResult {
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    return refuse(base ? 'FETCH_REDIRECT_REFUSED' : 'FETCH_UNSUPPORTED_URL', `not a URL: ${raw.slice(0, 200)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return refuse(
      base ? 'FETCH_REDIRECT_REFUSED' : 'FETCH_UNSUPPORTED_URL',
      `only http and https are fetched, not ${u.protocol}`,
    );
  }
  if (u.username || u.password) return refuse('FETCH_UNSUPPORTED_URL', 'URLs with credentials are not fetched');
  return u;
}

/**
 * Downloads a CRL, OCSP answer or certificate through `dispatcher` (see guardedDispatcher):
 * http/https only, one deadline for the whole exchange, bodies streamed and cut off past
 * `maxBytes`, at most `maxRedirects` redirects and only to the same host (scheme and address
 * checked again; a POST follows only 307/308, which keep the body). The content type is not
 * trusted: callers parse what they get. Never throws for what the network or the URL does.
 */
export async function httpFetch(url: string, spec: HttpFetchSpec, dispatcher: Dispatcher): Promise<FetchResult> {
  const first = parseHttpUrl(url);
  if (!(first instanceof URL)) return first;
  const signal = AbortSignal.timeout(spec.timeoutMs);
  const maxRedirects = spec.maxRedirects ?? MAX_REDIRECTS;
  let target = first;
  for (let redirects = 0; ; redirects++) {
    const answer = await exchange(target, spec, dispatcher, signal);
    if (answer.kind === 'done') return answer.result;
    if (redirects >= maxRedirects)
      return refuse('FETCH_TOO_MANY_REDIRECTS', `more than ${maxRedirects} redirects from ${first.origin}`);
    if (spec.method === 'POST' && answer.status !== 307 && answer.status !== 308)
      return refuse('FETCH_REDIRECT_REFUSED', `${answer.status} would turn the POST into a GET`);
    if (!answer.location) return refuse('FETCH_REDIRECT_REFUSED', `${answer.status} without a Location`);
    const next = parseHttpUrl(answer.location, target);
    if (!(next instanceof URL)) return next;
    // The certificate named one host; a redirect may not send us to another one.
    if (next.host !== target.host)
      return refuse('FETCH_REDIRECT_REFUSED', `${target.host} redirected to another host (${next.host})`);
    target = next;
  }
}

type Answer = { kind: 'done'; result: FetchResult } | { kind: 'redirect'; status: number; location?: string };

async function exchange(
  target: URL,
  spec: HttpFetchSpec,
  dispatcher: Dispatcher,
  signal: AbortSignal,
): Promise<Answer> {
  const done = (result: FetchResult): Answer => ({ kind: 'done', result });
  const headers: Record<string, string> = { accept: spec.accept, 'user-agent': 'kyso-verifier' };
  if (spec.body) headers['content-type'] = spec.contentType ?? 'application/octet-stream';
  let res: Dispatcher.ResponseData;
  try {
    res = await request(target, {
      dispatcher,
      method: spec.method,
      headers,
      body: spec.body ? Buffer.from(spec.body.buffer, spec.body.byteOffset, spec.body.byteLength) : undefined,
      signal,
    });
  } catch (e) {
    return done(failure(e, signal, target));
  }
  const status = res.statusCode;
  if (REDIRECTS.has(status)) {
    await res.body.dump().catch(() => undefined);
    const location = res.headers.location;
    return { kind: 'redirect', status, location: Array.isArray(location) ? location[0] : location };
  }
  if (status < 200 || status > 299) {
    await res.body.dump().catch(() => undefined);
    return done(
      refuse(
        'FETCH_HTTP_STATUS',
        `${target.origin}${target.pathname} answered ${status}`,
        !TRANSIENT_STATUS.has(status),
      ),
    );
  }
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > spec.maxBytes) {
    discard(res.body);
    return done(refuse('FETCH_TOO_LARGE', `declared ${declared} bytes, the budget is ${spec.maxBytes}`));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > spec.maxBytes) {
        discard(res.body);
        return done(refuse('FETCH_TOO_LARGE', `more than ${spec.maxBytes} bytes`));
      }
      chunks.push(chunk);
    }
  } catch (e) {
    return done(failure(e, signal, target));
  }
  const body = Buffer.concat(chunks, size);
  return done({ ok: true, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
}

/** Stops reading a body we will not use: the connection is closed rather than drained. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function failure(e: unknown, signal: AbortSignal, target: URL): FetchResult {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
    if (c instanceof AddressRefusedError) return refuse('FETCH_ADDRESS_REFUSED', c.message);
  }
  if (signal.aborted)
    return refuse('FETCH_TIMEOUT', `no complete answer within the time budget from ${target.origin}`, false);
  const code = (e as { code?: unknown }).code;
  return refuse(
    'FETCH_NETWORK_ERROR',
    `${target.origin}: ${typeof code === 'string' ? code : (e as Error).message}`,
    false,
  );
}

export interface HttpRevocationClientOptions {
  timeoutMs: number;
  /** Hosts, addresses and CIDRs outside the public Internet that may be fetched from (see AddressPolicy). */
  allow: readonly string[];
  crlMaxBytes?: number;
  ocspMaxBytes?: number;
  caIssuersMaxBytes?: number;
  lookup?: Lookup;
}

/** The network as the revocation job handlers use it (CRLs, OCSP, AIA caIssuers): guarded, bounded, one dispatcher per worker. */
export class HttpRevocationClient {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly opts: HttpRevocationClientOptions) {
    this.dispatcher = guardedDispatcher(new AddressPolicy(opts.allow), {
      connectTimeoutMs: opts.timeoutMs,
      lookup: opts.lookup,
    });
  }

  fetchCrl(url: string): Promise<FetchResult> {
    return httpFetch(
      url,
      {
        method: 'GET',
        accept: 'application/pkix-crl, */*',
        maxBytes: this.opts.crlMaxBytes ?? MAX_CRL_BYTES,
        timeoutMs: this.opts.timeoutMs,
      },
      this.dispatcher,
    );
  }

  fetchOcsp(url: string, request: Uint8Array): Promise<FetchResult> {
    return httpFetch(
      url,
      {
        method: 'POST',
        body: request,
        contentType: 'application/ocsp-request',
        accept: 'application/ocsp-response',
        maxBytes: this.opts.ocspMaxBytes ?? MAX_OCSP_RESPONSE_BYTES,
        timeoutMs: this.opts.timeoutMs,
      },
      this.dispatcher,
    );
  }

  /** An AIA caIssuers URL: a certificate (DER or PEM) or a certs-only PKCS#7, small by nature. */
  fetchCertificates(url: string): Promise<FetchResult> {
    return httpFetch(
      url,
      {
        method: 'GET',
        accept: 'application/pkix-cert, application/pkcs7-mime, */*',
        maxBytes: this.opts.caIssuersMaxBytes ?? MAX_CA_ISSUERS_BYTES,
        timeoutMs: this.opts.timeoutMs,
      },
      this.dispatcher,
    );
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
