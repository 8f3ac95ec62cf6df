import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import {
  Caller,
  InternalClient,
  ProblemError,
  requestIdOf,
  ResponseAlreadySent,
  STREAM_HIGH_WATER_MARK,
  StreamedAnswer,
} from '@kyso/common';
import { abortSignalOf, timedOut } from './limits/timeout';

export const PUBLIC_PREFIX = '/api/v1';

/** Response headers a client may see from a service; everything else stays inside. */
const PASSED_RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'location',
  'x-kyso-signature-id',
  'x-kyso-signature-level',
  'x-kyso-timestamp-time',
  // The algorithm of a raw signature value from POST /signatures/hash (output=raw).
  'x-kyso-signature-algorithm',
  // A signing session's token and its remaining uses (issue 12.4); the token is never replayed
  // from the idempotency store, which keeps no credentials.
  'kyso-signing-session',
  'kyso-signing-session-remaining',
  'retry-after',
  'cache-control',
];

export interface ProxyCall {
  client: InternalClient;
  method: string;
  /** Path on the service, with its query string. */
  path: string;
  /** Forwarded to the service as x-kyso-caller. */
  caller: Caller;
  /** Largest body accepted; undefined for calls without a body. */
  maxBodyBytes?: number;
  timeoutMs: number;
}

/** A request as Express or Node's server gives it; Express's JSON parser may have read the body already. */
export type ProxiedRequest = IncomingMessage & { body?: unknown; _body?: boolean };

export const payloadTooLarge = (limit: number) =>
  new ProblemError(
    413,
    'PAYLOAD_TOO_LARGE',
    'Payload too large',
    `The request body exceeds the limit of ${limit} bytes for this route.`,
    { limit },
  );

/**
 * Forwards a request to an internal service by streaming: the gateway never buffers or parses the
 * body (multipart uploads can be large), and counts bytes so a chunked upload cannot exceed the
 * limit that Content-Length would have caught. Node streams end to end (undici.request, chunks
 * passed through as they come, large buffers): a 100 MB upload costs little more than its copy.
 */
export async function proxy(req: ProxiedRequest, res: ServerResponse, call: ProxyCall): Promise<void> {
  const headers: Record<string, string> = {};
  for (const h of ['content-type', 'accept'] as const) {
    const v = req.headers[h];
    if (v) headers[h] = v;
  }
  let body: Readable | Buffer | undefined;
  const limit = call.maxBodyBytes;
  let overLimit = false;
  if (limit !== undefined) {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) throw refuseBody(res, limit);
    // body-parser 1 marks a parsed request with `_body`; body-parser 2 (Express 5) only leaves the stream consumed.
    if (req._body || req.readableEnded) {
      // Already read by the JSON parser (its own limit applied): forward what it parsed.
      body = Buffer.from(JSON.stringify(req.body));
    } else if (Number.isFinite(declared) && req.headers['transfer-encoding'] === undefined) {
      // Node's parser delivers exactly the declared length, already checked: no counting stage needed.
      // The length goes on: no chunked framing, and the service can size its buffer to the upload.
      body = declared <= GATHERED_BODY_BYTES ? await gathered(req, declared) : req;
      headers['content-length'] = String(declared);
    } else {
      let seen = 0;
      const counter = new Transform({
        highWaterMark: STREAM_HIGH_WATER_MARK,
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > limit) {
            overLimit = true;
            done(payloadTooLarge(limit));
          } else done(null, chunk);
        },
      });
      req.on('close', () => {
        if (!req.complete) counter.destroy(new Error('client went away'));
      });
      req.pipe(counter);
      body = counter;
    }
  }

  let upstream: StreamedAnswer;
  try {
    upstream = await call.client.stream(call.method, call.path, {
      body,
      headers,
      caller: call.caller,
      requestId: requestIdOf(req),
      timeoutMs: call.timeoutMs,
      signal: abortSignalOf(req),
    });
  } catch (e) {
    if (overLimit && limit !== undefined) throw refuseBody(res, limit);
    // The request's own deadline cut the call: its 504 REQUEST_TIMEOUT is the answer, and the
    // service is not down (reported as such, the monitor would call it unavailable).
    if (timedOut(req)) throw new ResponseAlreadySent();
    throw e;
  }
  if (overLimit && limit !== undefined) {
    upstream.body.destroy();
    throw refuseBody(res, limit);
  }

  res.statusCode = upstream.status;
  const header = (name: string) => {
    const v = upstream.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  for (const name of PASSED_RESPONSE_HEADERS) {
    const v = header(name);
    if (v === undefined) continue;
    res.setHeader(name, name === 'location' ? publicLocation(v) : v);
  }
  const length = header('content-length');
  if (length === undefined || header('content-encoding') !== undefined) return relay(upstream.body, res);
  const whole = Number(length) <= WHOLE_ANSWER_BYTES;
  if (whole && upstream.status >= 400 && /^application\/problem\+json/i.test(header('content-type') ?? '')) {
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
    return sendWhole(upstream.body, res, (problem) => withPublicInstance(problem, url));
  }
  res.setHeader('content-length', length);
  await (whole ? sendWhole(upstream.body, res) : relay(upstream.body, res));
}

/**
 * A service's problem names the service's own path as its `instance`; the client called the public
 * one (RFC 9457: the occurrence the client can refer to), as the gateway's own problems say.
 */
export function withPublicInstance(problem: Buffer, url: string | undefined): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(problem.toString('utf8'));
  } catch {
    return problem;
  }
  if (url === undefined || typeof parsed !== 'object' || parsed === null || !('instance' in parsed)) return problem;
  return Buffer.from(JSON.stringify({ ...parsed, instance: url }));
}

/**
 * Answers of declared length up to this (a validation report, a problem) are read whole and sent
 * with one `res.end` (issue 16.3): no pipe and its listeners on both streams, no separate write and
 * end. Bigger ones are piped (memory stays bounded per request).
 */
const WHOLE_ANSWER_BYTES = 64 * 1024;

/**
 * Uploads of declared length up to this are read whole before they are forwarded (issue 16.3): undici
 * then writes head and body in one corked write, where a stream body costs it a writer, four
 * listeners and a write per chunk. Bigger ones stream (memory stays bounded per request).
 */
export const GATHERED_BODY_BYTES = 256 * 1024;

/**
 * The whole body of a request of declared length (Node's parser delivers exactly that many bytes).
 * When the client goes away or the request runs out of time first there is no one to answer (the
 * 504 is sent by the timeout): ResponseAlreadySent, and the service is never called.
 */
export function gathered(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const signal = abortSignalOf(req);
    const settle = (e?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onClose);
      signal?.removeListener('abort', onGone);
      if (e) reject(e);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
    };
    const onData = (chunk: Buffer) => void chunks.push(chunk);
    const onEnd = () => settle();
    const onGone = () => settle(new ResponseAlreadySent());
    // Closed with every byte in: 'end' still comes.
    const onClose = () => void (req.complete || onGone());
    if (signal?.aborted) return onGone();
    req.on('data', onData).once('end', onEnd).once('error', onGone).once('close', onClose);
    signal?.once('abort', onGone);
  });
}

/**
 * Bytes of an answer queued for the client (the response's and its socket's buffers) before the
 * service's answer is paused: memory stays bounded per request (issue 12.6).
 */
export const RELAY_QUEUE_BYTES = 1024 * 1024;

/**
 * The service's answer to the client, as stream.pipeline did it without its per-call
 * AbortController and listeners: if the service or the client goes away mid-stream, both sides are
 * destroyed (nothing sensible can still be sent). Settles when the response is closed.
 *
 * Not `pipe` (issue 12.6): the chunks that arrive in one turn of the event loop (up to 32 reads of
 * 64 KiB from the service's socket) are written to the client's socket corked, so they leave in one
 * writev when the turn ends (no copy: the chunks are handed over as they are), and the answer is
 * paused by the bytes queued (RELAY_QUEUE_BYTES), not after every write past the socket's 16 KiB
 * mark, which would leave one chunk per batch. Per 100 MB answer, ~20 ms less user and ~20 ms
 * less system CPU in the gateway (docs/performance.md, bigrelay).
 */
function relay(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.closed) {
      body.destroy();
      return resolve();
    }
    let batch: NodeJS.Immediate | undefined;
    let paused = false;
    const flush = () => {
      batch = undefined;
      res.uncork();
    };
    body.on('data', (chunk: Buffer) => {
      if (batch === undefined) {
        res.cork();
        batch = setImmediate(flush);
      }
      res.write(chunk);
      if (res.writableLength >= RELAY_QUEUE_BYTES) {
        paused = true;
        body.pause();
      }
    });
    res.on('drain', () => {
      if (!paused) return;
      paused = false;
      body.resume();
    });
    body.once('end', () => {
      if (batch !== undefined) {
        clearImmediate(batch);
        flush();
      }
      res.end();
    });
    body.once('error', () => res.destroy());
    res.once('close', () => {
      if (batch !== undefined) clearImmediate(batch);
      if (!res.writableFinished) body.destroy();
      resolve();
    });
  });
}

/**
 * The service's answer (of declared length: undici fails a body that does not match it), read
 * whole, then sent in one write (see WHOLE_ANSWER_BYTES), with relay's cut-offs: the service
 * failing before its end destroys the response (nothing was sent; the client sees the connection
 * reset, as it would mid-stream), the client going away first destroys the service's answer.
 * Settles when the response is closed.
 */
function sendWhole(body: Readable, res: ServerResponse, rewrite?: (answer: Buffer) => Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.closed) {
      body.destroy();
      return resolve();
    }
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => void chunks.push(chunk));
    body.once('end', () => {
      const answer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      if (!rewrite) return res.end(answer);
      const rewritten = rewrite(answer);
      res.setHeader('content-length', rewritten.length);
      res.end(rewritten);
    });
    body.once('error', () => res.destroy());
    res.once('close', () => {
      if (!res.writableFinished) body.destroy();
      resolve();
    });
  });
}

/** The rest of an oversized upload is not worth reading: answer and close the connection. */
function refuseBody(res: ServerResponse, limit: number): ProblemError {
  res.setHeader('connection', 'close');
  return payloadTooLarge(limit);
}

/** A service's Location, as the public path through the gateway. */
export function publicLocation(location: string): string {
  let path = location;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    const u = new URL(location);
    path = u.pathname + u.search;
  }
  if (!path.startsWith('/')) path = `/${path}`;
  if (path === PUBLIC_PREFIX || path.startsWith(`${PUBLIC_PREFIX}/`)) return path;
  return `${PUBLIC_PREFIX}${path}`;
}
