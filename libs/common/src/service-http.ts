import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Express } from 'express';
import type { Logger as Pino } from 'pino';
import { HttpMetrics } from './metrics';
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem';
import { ProblemFilter } from './problem.filter';
import { assignRequestId, runWithRequestId } from './request-context';
import { setSecurityHeaders } from './security-headers';

/** Takes a request (true) or leaves it to Express and Nest (false, having touched nothing). */
export type FirstHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The app's JSON body middleware (createService's), as Express calls it. */
export type JsonBodyParser = (req: IncomingMessage, res: ServerResponse, next: (e?: unknown) => void) => void;

const MULTIPART = /^multipart\/form-data\s*;/i;

/** A multipart body of declared length (not chunked): the uploads a FirstHandler takes. */
export function declaredMultipart(req: IncomingMessage): boolean {
  const h = req.headers;
  return (
    h['content-length'] !== undefined && h['transfer-encoding'] === undefined && MULTIPART.test(h['content-type'] ?? '')
  );
}

/**
 * The house conventions of createService for a handler that answers without Express and Nest (the
 * gateway's hot upload routes): the same request id, security headers, access log, metrics and
 * problem+json answers, from the same code and objects the middleware uses.
 */
export class ServiceHttp {
  constructor(
    private readonly app: INestApplication,
    private readonly express: Express,
    private readonly observe: RequestObserver,
    private readonly filter: ProblemFilter,
    private readonly json: JsonBodyParser,
  ) {}

  /**
   * What the middleware does before a route runs (path without its query, route its template or
   * how to find it once the request is done); returns the request id.
   */
  begin(req: IncomingMessage, res: ServerResponse, path: string, route: string | (() => string)): string {
    const id = assignRequestId(req, res);
    setSecurityHeaders(res, false);
    this.observe(req, res, path, route);
    return id;
  }

  /**
   * Takes a request a FirstHandler chose: begin, then `serve` in the request's context, a failure
   * answered as a problem. Always true (the handler's answer).
   */
  take(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    route: string | (() => string),
    serve: () => Promise<void>,
  ): true {
    runWithRequestId(this.begin(req, res, path, route), () => {
      serve().catch((e: unknown) => this.fail(req, res, path, e));
    });
    return true;
  }

  /** Answers an error as the problem filter does (same logging, same monitor reports, same headers). */
  fail(req: IncomingMessage, res: ServerResponse, path: string, e: unknown): void {
    const problem = this.filter.answer(e, req.method ?? '', path, req.url ?? path, res);
    if (problem) this.sendProblem(res, problem);
  }

  /** A problem+json answer with the headers Express's res.type(...).send(...) gives it (charset, ETag, length). */
  sendProblem(res: ServerResponse, problem: ProblemDetails): void {
    const body = Buffer.from(JSON.stringify(problem));
    res.statusCode = problem.status;
    res.setHeader('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    const etag = (this.express.get('etag fn') as ((b: Buffer) => string | undefined) | undefined)?.(body);
    if (etag && !res.hasHeader('etag')) res.setHeader('etag', etag);
    res.setHeader('content-length', body.length);
    res.end(body);
  }

  /**
   * The JSON body as the app's body middleware reads it for a route (undefined when it leaves the
   * request alone: another content type, no body), failing with the error that middleware passes on.
   */
  readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.json(req, res, (e) => (e ? reject(e) : resolve((req as IncomingMessage & { body?: unknown }).body))),
    );
  }

  /**
   * A 200 JSON answer with the headers Express's res.json gives it, but no ETag: an internal POST's
   * answer is never revalidated, and hashing it costs a pass over every answer.
   */
  sendJson(res: ServerResponse, value: unknown): void {
    const body = Buffer.from(JSON.stringify(value));
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', body.length);
    res.end(body);
  }

  /** Express's address of the client (`trust proxy` applied), as req.ip. */
  clientIp(req: IncomingMessage): string {
    const trust = this.express.get('trust proxy fn') as (addr: string, i: number) => boolean;
    // proxy-addr is what Express's req.ip uses, with the same compiled trust function.
    return proxyAddr(req, trust);
  }

  /**
   * Express's req.query for a URL's query string as parseurl splits it (null without a `?`): the
   * app's query parser, as that getter applies it.
   */
  query(search: string | null): Record<string, unknown> {
    const parse = this.express.get('query parser fn') as ((q: string | null) => Record<string, unknown>) | undefined;
    return parse ? parse(search) : {};
  }

  /** Offers every request to `handler` before Express and Nest; what it leaves goes on to them as before. */
  handleFirst(handler: FirstHandler): void {
    const server = this.app.getHttpServer() as Server;
    const rest = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!handler(req, res)) for (const l of rest) l.call(server, req, res);
    });
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyAddr = require('proxy-addr') as (req: IncomingMessage, trust: (a: string, i: number) => boolean) => string;

/** One access-log line for a finished request (see accessLog). */
export type AccessLog = (req: IncomingMessage, res: ServerResponse, path: string, route: string, ms: number) => void;

/** One line per request, after the response: method, route template, status, duration (never bodies or headers). */
export function accessLog(logger: Pino): AccessLog {
  return (req, res, path, route, ms) => {
    // A 503 is a dependency outage the monitor has logged once already: not an error per request.
    const level = res.statusCode >= 500 && res.statusCode !== 503 ? 'error' : 'info';
    // Below the configured level (the bench runs at warn): no context switch, no line built.
    if (!logger.isLevelEnabled(level)) return;
    // 'finish' may fire outside the request's async context: restore it for the mixin.
    runWithRequestId(String(req.headers['x-request-id'] ?? ''), () =>
      logger[level](
        { method: req.method, path, route, status: res.statusCode, durationMs: Math.round(ms * 10) / 10 },
        'request',
      ),
    );
  };
}

/**
 * Watches a request from before its route runs (path without its query; route its template, or
 * how to find it once routed) to its response's end, then writes its access-log line and counts it
 * in the metrics: one 'finish' listener for both.
 */
export type RequestObserver = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  route: string | (() => string),
) => void;

export function requestObserver(log: AccessLog, metrics: HttpMetrics): RequestObserver {
  return (req, res, path, route) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const template = typeof route === 'string' ? route : route();
      log(req, res, path, template, ms);
      metrics.record(req.method ?? '', template, res.statusCode, ms / 1e3);
    });
  };
}

const services = new WeakMap<INestApplication, ServiceHttp>();

/** The conventions of an app made by createService. */
export function serviceHttpOf(app: INestApplication): ServiceHttp {
  const http = services.get(app);
  if (!http) throw new Error('not an app made by createService');
  return http;
}

export function registerServiceHttp(app: INestApplication, http: ServiceHttp): void {
  services.set(app, http);
}
