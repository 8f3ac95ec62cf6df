import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type IORedis from 'ioredis';
import { Logger } from '@nestjs/common';
import { badRequest, Caller, ProblemError, unprocessable } from '@kyso/common';
import { Fingerprinter, fingerprinter } from './fingerprint';
import { redisUnavailable } from './rate-limit';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Response headers worth replaying; the rest (dates, request ids, security headers) are made anew. */
const REPLAYED_HEADERS = [
  'content-type',
  'content-disposition',
  'location',
  'x-kyso-signature-id',
  'x-kyso-signature-algorithm',
  'cache-control',
];

interface Stored {
  state: 'pending' | 'done';
  route?: string;
  requestHash?: string;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * `Idempotency-Key` for POSTs that create or sign, per caller: the first request runs and its
 * response (status, headers, body up to a limit) is kept in Redis; a retry that means the same
 * (same route, same JSON value or form fields and files: see fingerprinter) gets that response back,
 * a different request is refused (422 IDEMPOTENCY_KEY_REUSED), and a
 * duplicate arriving while the first still runs gets 409 IDEMPOTENCY_IN_PROGRESS.
 */
export class Idempotency {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly ttlSec: number,
    private readonly maxBodyBytes: number,
    /** How long an unfinished request holds its key (the request timeout, plus a margin). */
    private readonly pendingTtlSec = 300,
  ) {}
  private readonly log = new Logger('Idempotency');

  /** 'proceed' (run the handler; the response will be kept) or 'handled' (a replay was sent). */
  async begin(
    req: Request,
    res: Response,
    caller: Caller,
    route: string,
    maxRequestBytes: number,
  ): Promise<'proceed' | 'handled'> {
    const key = req.header(IDEMPOTENCY_HEADER);
    if (key === undefined) return 'proceed';
    if (!KEY_PATTERN.test(key))
      throw badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 visible ASCII characters.');
    const rkey = `${this.prefix}idem:${caller.kind}:${caller.id}:${createHash('sha256').update(key).digest('hex')}`;
    const pending: Stored = { state: 'pending', route };
    // A pending marker outlives no request: a gateway dying mid-call must not block retries for a day.
    const acquired = await this.redis
      .set(rkey, JSON.stringify(pending), 'EX', this.pendingTtlSec, 'NX')
      .catch((e: unknown) => Promise.reject(redisUnavailable(e, this.log, 'Idempotency-Key')));
    if (acquired) {
      this.capture(req, res, rkey, route);
      return 'proceed';
    }
    const raw = await this.redis.get(rkey);
    const stored = raw ? (JSON.parse(raw) as Stored) : undefined;
    if (!stored || stored.state === 'pending') {
      res.setHeader('retry-after', '1');
      throw new ProblemError(
        409,
        'IDEMPOTENCY_IN_PROGRESS',
        'Conflict',
        'A request with this Idempotency-Key is still being processed; retry shortly.',
      );
    }
    const requestHash = await fingerprintWholeRequest(req, route, maxRequestBytes);
    if (stored.route !== route || stored.requestHash !== requestHash) {
      throw unprocessable(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for a different request; use a new key for a new request.',
      );
    }
    const body = await this.redis.getBuffer(`${rkey}:body`);
    res.status(stored.status ?? 200);
    for (const [k, v] of Object.entries(stored.headers ?? {})) res.setHeader(k, v);
    res.setHeader('idempotent-replayed', 'true');
    res.end(body ?? Buffer.alloc(0));
    return 'handled';
  }

  /** Tees the request (for its hash) and the response (to keep it), then stores or releases the key. */
  private capture(req: Request, res: Response, rkey: string, route: string): void {
    const print: Fingerprinter = fingerprinter(req, route);
    req.on('data', (c: Buffer) => print.update(c));

    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || overflow) return;
      const b = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      size += b.length;
      if (size > this.maxBodyBytes) {
        overflow = true;
        chunks.length = 0;
      } else chunks.push(b);
    };
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => Response;
    res.write = ((...a: unknown[]) => {
      keep(a[0], a[1]);
      return write(...a);
    }) as Response['write'];
    res.end = ((...a: unknown[]) => {
      keep(a[0], a[1]);
      return end(...a);
    }) as Response['end'];

    res.on('finish', () => void this.keep(res, rkey, route, print, overflow, chunks));
    res.on('close', () => {
      if (!res.writableFinished) void this.redis.del(rkey).catch(() => undefined);
    });
  }

  /** Stores the finished response for replays, or releases the key. */
  private async keep(
    res: Response,
    rkey: string,
    route: string,
    print: Fingerprinter,
    overflow: boolean,
    chunks: Buffer[],
  ): Promise<void> {
    // Server errors and unkept bodies release the key so the client can simply retry.
    if (res.statusCode >= 500 || overflow || res.statusCode === 429) {
      void this.redis.del(rkey, `${rkey}:body`).catch(() => undefined);
      return;
    }
    const headers: Record<string, string> = {};
    for (const h of REPLAYED_HEADERS) {
      const v = res.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    const done: Stored = {
      state: 'done',
      route,
      requestHash: await print.end(),
      status: res.statusCode,
      headers,
    };
    void this.redis
      .multi()
      .set(`${rkey}:body`, Buffer.concat(chunks), 'EX', this.ttlSec)
      .set(rkey, JSON.stringify(done), 'EX', this.ttlSec)
      .exec()
      .catch(() => undefined);
  }
}

/** Reads a retried request in full (it is not forwarded) to compare what it means with the first one. */
async function fingerprintWholeRequest(req: Request, route: string, maxBytes: number): Promise<string> {
  const print = fingerprinter(req, route);
  let seen = 0;
  if (!req.readableEnded)
    for await (const chunk of req as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > maxBytes)
        throw new ProblemError(
          413,
          'PAYLOAD_TOO_LARGE',
          'Payload too large',
          `The request body exceeds the limit of ${maxBytes} bytes for this route.`,
          { limit: maxBytes },
        );
      print.update(chunk);
    }
  return print.end();
}
