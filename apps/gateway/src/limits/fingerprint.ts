import { createHash } from 'node:crypto';
import busboy from 'busboy';
import type { Request } from 'express';
import { queryOf } from '../authz/paths';

/** Feeds a request's bytes in as they arrive; `end` gives the digest of what the request means. */
export interface Fingerprinter {
  update(chunk: Buffer): void;
  end(): Promise<string>;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * What an `Idempotency-Key` retry must repeat: the route (method, path and query; the key is per
 * caller already) and the meaning of the body, not its bytes. A JSON body counts as its parsed value with
 * keys sorted; a multipart form as its fields and the SHA-256 of each uploaded file, so a retry
 * with a new boundary (every encoder draws one) or another field order is the same request; any
 * other body as its bytes.
 */
export function fingerprinter(req: Request, route: string): Fingerprinter {
  const query = queryOf(req.originalUrl);
  const seal = (meaning: unknown) => sha256(JSON.stringify([route, query, meaning]));
  // Express 5's body parser leaves no `_body` mark, only a consumed stream.
  if ((req as Request & { _body?: boolean })._body || req.readableEnded) {
    const meaning = seal({ json: canonical(req.body ?? null) });
    return { update: () => undefined, end: () => Promise.resolve(meaning) };
  }
  if (/^multipart\/form-data\b/i.test(req.header('content-type') ?? '')) return multipart(req, seal);
  const bytes = createHash('sha256');
  return {
    update: (c) => void bytes.update(c),
    end: () => Promise.resolve(seal({ bytes: bytes.digest('hex') })),
  };
}

/** Streams the form through busboy; a malformed one falls back to its bytes (it is refused downstream anyway). */
function multipart(req: Request, seal: (meaning: unknown) => string): Fingerprinter {
  const bytes = createHash('sha256');
  const parts: [string, string, string][] = [];
  let parser: ReturnType<typeof busboy> | undefined;
  let broken = false;
  const done = new Promise<void>((resolve) => {
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: 1024 * 1024 } });
    } catch {
      broken = true;
      return resolve();
    }
    parser.on('field', (name, value) => parts.push(['field', name, value]));
    parser.on('file', (name, stream) => {
      const h = createHash('sha256');
      stream.on('data', (c: Buffer) => h.update(c));
      stream.on('end', () => parts.push(['file', name, h.digest('hex')]));
    });
    parser.on('close', resolve);
    parser.on('error', () => ((broken = true), resolve()));
  });
  return {
    update(c) {
      bytes.update(c);
      if (!broken) parser?.write(c);
    },
    async end() {
      if (!broken) parser?.end();
      await done;
      if (broken) return seal({ bytes: bytes.digest('hex') });
      return seal({ form: parts.map((p) => JSON.stringify(p)).sort() });
    },
  };
}

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` mean the same. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}
