import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PkiFormatError } from '../errors';
import type { RevocationFetcher } from '../revocation/types';

/** Budgets (style rule 7): bytes per download, time per request. */
export const MAX_CLI_FETCH_BYTES = 8 * 1024 * 1024;
export const CLI_FETCH_TIMEOUT_MS = 10_000;

const fail = (code: string, message: string): never => {
  throw new PkiFormatError(code, message);
};

/**
 * The CLI's network for revocation data and AIA certificates, over plain node http(s) (libs/pki
 * takes no HTTP client). URLs come from untrusted certificates: http and https only, no
 * redirects (a redirect could lead anywhere), a size and a time bound per request. The service
 * fetches through its own workers, caches and address policy; this is for a person running
 * `kyso verify` on their machine.
 */
export class NodeHttpFetcher implements RevocationFetcher {
  constructor(
    private readonly limits: { maxBytes: number; timeoutMs: number } = {
      maxBytes: MAX_CLI_FETCH_BYTES,
      timeoutMs: CLI_FETCH_TIMEOUT_MS,
    },
  ) {}

  fetchCrl(url: string): Promise<Uint8Array> {
    return this.exchange(url);
  }

  fetchOcsp(url: string, request: Uint8Array): Promise<Uint8Array> {
    return this.exchange(url, { body: request, contentType: 'application/ocsp-request' });
  }

  fetchCertificates(url: string): Promise<Uint8Array> {
    return this.exchange(url);
  }

  private exchange(url: string, post?: { body: Uint8Array; contentType: string }): Promise<Uint8Array> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.reject(new PkiFormatError('FETCH_URL_INVALID', `Not a URL: ${url}`));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return Promise.reject(new PkiFormatError('FETCH_SCHEME_REFUSED', `Only http and https are fetched: ${url}`));
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Uint8Array>((resolve, reject) => {
      const req = send(
        target,
        {
          method: post ? 'POST' : 'GET',
          headers: post ? { 'content-type': post.contentType, 'content-length': post.body.length } : {},
          timeout: this.limits.timeoutMs,
        },
        (res) => this.read(res, url).then(resolve, reject),
      );
      req.on('timeout', () => req.destroy(new PkiFormatError('FETCH_TIMEOUT', `No answer in time from ${url}`)));
      req.on('error', (e) =>
        reject(e instanceof PkiFormatError ? e : new PkiFormatError('FETCH_FAILED', `${url}: ${e.message}`)),
      );
      req.end(post ? Buffer.from(post.body) : undefined);
    });
  }

  private read(res: IncomingMessage, url: string): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      try {
        if (res.statusCode !== 200)
          fail('FETCH_HTTP_STATUS', `${url}: HTTP ${res.statusCode} (redirects are not followed)`);
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > this.limits.maxBytes)
          fail('FETCH_TOO_LARGE', `${url}: larger than ${this.limits.maxBytes} bytes`);
      } catch (e) {
        res.destroy();
        return reject(e);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.limits.maxBytes) {
          res.destroy();
          reject(new PkiFormatError('FETCH_TOO_LARGE', `${url}: larger than ${this.limits.maxBytes} bytes`));
        } else chunks.push(chunk);
      });
      res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      res.on('error', (e) => reject(new PkiFormatError('FETCH_FAILED', `${url}: ${e.message}`)));
    });
  }
}
