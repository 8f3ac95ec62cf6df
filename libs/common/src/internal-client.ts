import type { Readable } from 'node:stream';
import { Agent, Dispatcher, request as undiciRequest } from 'undici';
import { Abort } from './abort';
import { Caller, encodeCaller } from './caller';
import { CALLER_HEADER, INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER } from './internal-auth';
import { ProblemDetails, ProblemError } from './problem';
import { currentRequestId } from './request-context';

/**
 * Reads a peer's JSON answer as its contract says (libs/contracts: answerOf, listOf), throwing
 * `malformedAnswer` when it does not match. `from` names the peer for the error.
 */
export type AnswerParser<T> = (raw: unknown, from: string) => T;

/** The stable code of an internal answer that does not match its contract. */
export const MALFORMED_ANSWER = 'DEPENDENCY_MALFORMED_ANSWER';

/**
 * A peer that answers outside its contract is a broken dependency, not the caller's fault: 502 with
 * a stable code. What exactly was wrong goes to the log only (it may describe internal data).
 */
export function malformedAnswer(from: string, what: string, logDetail: string): ProblemError {
  const p = new ProblemError(502, MALFORMED_ANSWER, 'Bad gateway', `${from} answered ${what} outside its contract`);
  p.logDetail = logDetail;
  return p;
}

/** Per-call options: the request id (default: the current request's) and the caller to forward. */
export interface CallOptions {
  requestId?: string;
  caller?: Caller;
}

/** Options of a raw call (stream, fetch): a body, more headers, its own timeout and abort signal. */
interface RawCallOptions<Body, Signal = AbortSignal> extends CallOptions {
  body?: Body;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: Signal;
}

/** Internal calls (JSON and streamed) share one keep-alive pool per process... */
const AGENT = new Agent({ keepAliveTimeout: 30_000 });
/** ...and one per Unix-domain socket of a co-located service (KYSO_<SERVICE>_SOCKET, serviceSocket). */
const SOCKET_AGENTS = new Map<string, Agent>();

/** The keep-alive pool for `socketPath` (the shared TCP one without). */
export function socketAgent(socketPath: string | undefined): Agent {
  if (socketPath === undefined) return AGENT;
  let agent = SOCKET_AGENTS.get(socketPath);
  if (!agent) SOCKET_AGENTS.set(socketPath, (agent = new Agent({ keepAliveTimeout: 30_000, connect: { socketPath } })));
  return agent;
}
/** Paths the URL parser gives back unchanged: segments of letters, digits, `_` and `-` (no dot segments, escapes or query). */
const PLAIN_PATH = /^(\/[\w-]+)+$/;
/** Big bodies move in large chunks: fewer socket writes and callbacks per megabyte. */
export const STREAM_HIGH_WATER_MARK = 1024 * 1024;

/** The answer of a streamed call: status, headers (lower-case names) and the body as a Node stream. */
export interface StreamedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * HTTP client for service-to-service calls: adds the internal credential and request id, applies
 * a timeout, and turns a problem+json answer into a ProblemError carrying the same code.
 */
export class InternalClient {
  /** The base URL as origin and path when it is plain (see PLAIN_PATH), so calls skip the URL parser. */
  private readonly plainBase?: { origin: string; path: string };
  /** TCP to the URL's host and port, or the service's Unix-domain socket (the URL gives Host and path). */
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
    /** How errors name the service to clients ("signer"); its address goes to logs only. */
    readonly name = 'a Kyso service',
    /** A co-located service's Unix-domain socket (serviceSocket): connections go there instead. */
    readonly socketPath?: string,
  ) {
    this.agent = socketAgent(socketPath);
    const origin = URL.canParse(baseUrl) ? new URL(baseUrl).origin : undefined;
    const path = origin && baseUrl.startsWith(origin) ? baseUrl.slice(origin.length) : undefined;
    if (origin && path !== undefined && (path === '' || PLAIN_PATH.test(path))) this.plainBase = { origin, path };
  }

  /** The peer as readiness checks name it ("the signer service" → "signer"). */
  get dependency(): string {
    return /^the (\w+) service$/.exec(this.name)?.[1] ?? new URL(this.baseUrl).host;
  }

  /** A JSON call whose answer is checked by `answer` (never cast): a malformed answer is a 502. */
  async json<T>(
    method: string,
    path: string,
    answer: AnswerParser<T>,
    body?: unknown,
    call?: string | (CallOptions & { headers?: Record<string, string> }),
  ): Promise<T> {
    const opts = typeof call === 'string' ? { requestId: call } : (call ?? {});
    const { status, text } = await this.exchange(method, path, {
      ...opts,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? opts.headers : { ...opts.headers, 'content-type': 'application/json' },
    });
    if (status < 200 || status > 299) {
      const p = toProblemError(status, text);
      // The peer's own dependency is down (its database, its token): to us, the peer is.
      if (p.status === 503) p.dependency = this.dependency;
      throw p;
    }
    let raw: unknown;
    try {
      raw = text ? JSON.parse(text) : undefined;
    } catch (e) {
      throw malformedAnswer(this.name, 'something other than JSON', `${method} ${path}: ${(e as Error).message}`);
    }
    return answer(raw, this.name);
  }

  /**
   * A request whose body and answer are Node streams (undici.request, no web streams): the
   * gateway's proxy for big uploads and downloads. The caller must consume or destroy `body`.
   * Failures to reach the peer become the same problems as `request`'s.
   */
  async stream(
    method: string,
    path: string,
    opts: RawCallOptions<Readable | Buffer, AbortSignal | Abort> = {},
  ): Promise<StreamedAnswer> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const { signal, done } = deadline(timeoutMs, opts.signal);
    try {
      const res = await this.send(method, path, opts, signal, STREAM_HIGH_WATER_MARK);
      res.body.once('close', done);
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (e) {
      done();
      throw this.unreachable(e, timeoutMs);
    }
  }

  private send(
    method: string,
    path: string,
    opts: RawCallOptions<Readable | Buffer | string, unknown>,
    signal: Abort,
    highWaterMark?: number,
  ) {
    const options = {
      method: method as Dispatcher.HttpMethod,
      headers: this.headersFor(opts),
      body: opts.body,
      signal,
      highWaterMark,
    };
    // Base and path plain: the origin and path undici.request would take from the parsed URL (issue 16.3).
    const base = this.plainBase;
    return base && PLAIN_PATH.test(path)
      ? this.agent.request({ ...options, origin: base.origin, path: `${base.path}${path}` })
      : undiciRequest(`${this.baseUrl}${path}`, { ...options, dispatcher: this.agent });
  }

  /**
   * A small call read whole, through undici.request: the WHATWG fetch machinery (Request, Headers,
   * web streams) costs more CPU than such a call itself, and some run on every signature. Failures
   * to reach the peer, or to read its answer in time, become the same problems as `request`'s.
   */
  private async exchange(
    method: string,
    path: string,
    opts: RawCallOptions<string>,
  ): Promise<{ status: number; text: string }> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const { signal, done } = deadline(timeoutMs, opts.signal);
    try {
      const res = await this.send(method, path, opts, signal);
      return { status: res.statusCode, text: await res.body.text() };
    } catch (e) {
      throw this.unreachable(e, timeoutMs);
    } finally {
      done();
    }
  }

  private headersFor(opts: { headers?: Record<string, string>; requestId?: string; caller?: Caller }) {
    const headers: Record<string, string> = { ...opts.headers, [INTERNAL_TOKEN_HEADER]: this.token };
    const requestId = opts.requestId ?? currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    if (opts.caller) headers[CALLER_HEADER] = encodeCaller(opts.caller);
    return headers;
  }

  /** The detail reaches public clients through the gateway: never the internal host or port. */
  private unreachable(e: unknown, timeoutMs: number): ProblemError {
    const host = this.socketPath ?? new URL(this.baseUrl).host;
    const name = (e as Error).name;
    const p =
      name === 'TimeoutError' || (e as { cause?: { name?: string } }).cause?.name === 'TimeoutError'
        ? new ProblemError(
            504,
            'UPSTREAM_TIMEOUT',
            'Gateway timeout',
            `${this.name} did not answer within ${timeoutMs} ms`,
          )
        : new ProblemError(503, 'DEPENDENCY_UNAVAILABLE', 'Service unavailable', `${this.name} did not answer`);
    p.logDetail = `${host}: ${name}${causeOf(e)}`;
    if (p.status === 503) p.dependency = this.dependency;
    return p;
  }

  /** A raw request; the caller reads the body. Errors are not translated. */
  async request(method: string, path: string, opts: RawCallOptions<RequestInit['body']> = {}): Promise<Response> {
    const headers = this.headersFor(opts);
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? this.timeoutMs);
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: opts.body,
        signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
        // Node's fetch takes an undici dispatcher: the socket's when there is one.
        ...(this.socketPath === undefined ? {} : { dispatcher: this.agent }),
        // Node's fetch needs this for streamed bodies.
        ...(opts.body && typeof (opts.body as ReadableStream).getReader === 'function' ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (e) {
      throw this.unreachable(e, opts.timeoutMs ?? this.timeoutMs);
    }
  }
}

/**
 * One signal for a call: aborted after `ms` (a TimeoutError, as AbortSignal.timeout) or with
 * `outer`. An Abort and one timer, released by `done` when the answer has been read: cheaper per
 * request than an AbortController, let alone AbortSignal.timeout + AbortSignal.any.
 */
function deadline(ms: number, outer?: AbortSignal | Abort): { signal: Abort; done: () => void } {
  const signal = new Abort();
  const timer = setTimeout(
    () => signal.abort(new DOMException(`The operation timed out after ${ms} ms`, 'TimeoutError')),
    ms,
  );
  timer.unref();
  const follow = () => signal.abort(outer?.reason);
  if (outer?.aborted) follow();
  else if (outer instanceof Abort) outer.once('abort', follow);
  else outer?.addEventListener('abort', follow, { once: true });
  return {
    signal,
    done: () => {
      clearTimeout(timer);
      if (outer instanceof Abort) outer.removeListener('abort', follow);
      else outer?.removeEventListener('abort', follow);
    },
  };
}

const causeOf = (e: unknown): string => {
  const code = (e as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' ? ` (${code})` : '';
};

export function toProblemError(status: number, text: string): ProblemError {
  try {
    const p = JSON.parse(text) as ProblemDetails;
    if (p && typeof p.code === 'string') {
      const { type: _t, title, status: _s, code, detail, instance: _i, ...ext } = p;
      return new ProblemError(status, code, title, detail, ext);
    }
  } catch {
    /* not JSON: fall through */
  }
  return new ProblemError(
    status >= 500 ? 502 : status,
    'DEPENDENCY_ERROR',
    'Bad gateway',
    `Dependency answered ${status}`,
  );
}
