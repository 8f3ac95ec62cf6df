import * as http from 'node:http';
import * as https from 'node:https';
import { MAX_CRL_BYTES, MAX_OCSP_RESPONSE_BYTES } from '@kyso/pki';

/** Budgets (style rule 7): bytes per download (the PKI core's parse limits) and redirects followed. */
export const CRL_MAX_BYTES = MAX_CRL_BYTES;
export const OCSP_MAX_BYTES = MAX_OCSP_RESPONSE_BYTES;
export const MAX_REDIRECTS = 3;

export type FetchErrorCode =
  'UNSUPPORTED_URL' | 'TIMEOUT' | 'NETWORK_ERROR' | 'HTTP_STATUS' | 'TOO_LARGE' | 'TOO_MANY_REDIRECTS' | 'BAD_REDIRECT';

/**
 * A download that did not give a body. `permanent`: retrying soon cannot help (bad URL, too big,
 * refused by the server); otherwise the queue retries with backoff.
 */
export class RevocationFetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    readonly permanent: boolean,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RevocationFetchError';
  }
}

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

function parseHttpUrl(raw: string, base?: URL): URL {
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    throw new RevocationFetchError(base ? 'BAD_REDIRECT' : 'UNSUPPORTED_URL', `not a URL: ${raw.slice(0, 200)}`, true);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new RevocationFetchError(
      base ? 'BAD_REDIRECT' : 'UNSUPPORTED_URL',
      `only http and https are fetched, not ${u.protocol}`,
      true,
    );
  }
  return u;
}

/**
 * Downloads a CRL or OCSP answer: http/https only, one deadline, bodies streamed and cut off past
 * `maxBytes`, at most `maxRedirects` redirects (a POST follows only 307/308, which keep the body).
 * The content type is not trusted: callers parse what they get.
 */
export async function httpFetch(url: string, spec: HttpFetchSpec): Promise<Uint8Array> {
  const deadline = Date.now() + spec.timeoutMs;
  let target = parseHttpUrl(url);
  const maxRedirects = spec.maxRedirects ?? MAX_REDIRECTS;
  for (let redirects = 0; ; redirects++) {
    const answer = await exchange(target, spec, deadline);
    if (answer.kind === 'body') return answer.body;
    if (redirects >= maxRedirects)
      throw new RevocationFetchError('TOO_MANY_REDIRECTS', `more than ${maxRedirects} redirects from ${url}`, true);
    if (spec.method === 'POST' && answer.status !== 307 && answer.status !== 308) {
      throw new RevocationFetchError('BAD_REDIRECT', `${answer.status} would turn the POST into a GET`, true);
    }
    if (!answer.location) throw new RevocationFetchError('BAD_REDIRECT', `${answer.status} without a Location`, true);
    target = parseHttpUrl(answer.location, target);
  }
}

type Answer = { kind: 'body'; body: Uint8Array } | { kind: 'redirect'; status: number; location?: string };

function exchange(target: URL, spec: HttpFetchSpec, deadline: number): Promise<Answer> {
  const left = deadline - Date.now();
  if (left <= 0)
    return Promise.reject(
      new RevocationFetchError('TIMEOUT', `no answer within the time budget from ${target.origin}`, false),
    );
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const fail = (e: RevocationFetchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const headers: http.OutgoingHttpHeaders = { accept: spec.accept, 'user-agent': 'kyso-verifier' };
    if (spec.body) {
      headers['content-type'] = spec.contentType ?? 'application/octet-stream';
      headers['content-length'] = spec.body.byteLength;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, { method: spec.method, headers, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.resume();
        settled = true;
        clearTimeout(timer);
        return resolve({ kind: 'redirect', status, location: res.headers.location });
      }
      if (status < 200 || status > 299) {
        res.resume();
        return fail(
          new RevocationFetchError(
            'HTTP_STATUS',
            `${target.origin}${target.pathname} answered ${status}`,
            !TRANSIENT_STATUS.has(status),
          ),
        );
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > spec.maxBytes) {
        return fail(
          new RevocationFetchError('TOO_LARGE', `declared ${declared} bytes, the budget is ${spec.maxBytes}`, true),
        );
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > spec.maxBytes)
          return fail(new RevocationFetchError('TOO_LARGE', `more than ${spec.maxBytes} bytes`, true));
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const body = Buffer.concat(chunks, size);
        resolve({ kind: 'body', body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
      });
      res.on('error', (e) => fail(new RevocationFetchError('NETWORK_ERROR', e.message, false)));
      res.on('aborted', () => fail(new RevocationFetchError('NETWORK_ERROR', 'the answer was cut short', false)));
    });
    const timer = setTimeout(
      () =>
        fail(
          new RevocationFetchError('TIMEOUT', `no complete answer within the time budget from ${target.origin}`, false),
        ),
      left,
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      fail(new RevocationFetchError('NETWORK_ERROR', `${target.origin}: ${e.code ?? e.message}`, false)),
    );
    req.end(spec.body ? Buffer.from(spec.body.buffer, spec.body.byteOffset, spec.body.byteLength) : undefined);
  });
}

/** The network as the revocation job handlers use it. */
export class HttpRevocationClient {
  constructor(private readonly opts: { timeoutMs: number; crlMaxBytes?: number; ocspMaxBytes?: number }) {}

  fetchCrl(url: string): Promise<Uint8Array> {
    return httpFetch(url, {
      method: 'GET',
      accept: 'application/pkix-crl, */*',
      maxBytes: this.opts.crlMaxBytes ?? CRL_MAX_BYTES,
      timeoutMs: this.opts.timeoutMs,
    });
  }

  fetchOcsp(url: string, request: Uint8Array): Promise<Uint8Array> {
    return httpFetch(url, {
      method: 'POST',
      body: request,
      contentType: 'application/ocsp-request',
      accept: 'application/ocsp-response',
      maxBytes: this.opts.ocspMaxBytes ?? OCSP_MAX_BYTES,
      timeoutMs: this.opts.timeoutMs,
    });
  }
}
