import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { dependencyFailure, dependencyProblem, RETRY_AFTER_SEC } from './dependencies';
import { DependencyMonitor } from './dependency-monitor';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemError } from './problem';

/** Codes for errors raised by the framework or body parsers rather than by our services. */
const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  423: 'LOCKED',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * Thrown by a guard that has already answered the request itself (e.g. an idempotent replay):
 * nothing more is to be sent.
 */
export class ResponseAlreadySent extends Error {
  constructor() {
    super('response already sent');
  }
}

/**
 * Every error leaves as RFC 9457 problem+json; an unexpected one as a bare 500 without a stack. A
 * dependency failure (database, Redis, token, peer service) is a 503 with Retry-After, reported to
 * the monitor, which logs the outage once instead of once per request.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly monitor?: DependencyMonitor) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const problem = this.answer(exception, req.method, req.path, req.originalUrl, res);
    if (problem) res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  /**
   * The problem to send for an exception (reported as `report` does, a 503's Retry-After set on
   * `res`), or undefined when nothing is to be sent: the answer was given already. Also for
   * handlers that answer without Express (see ServiceHttp).
   */
  answer(
    exception: unknown,
    method: string,
    path: string,
    instance: string,
    res: ServerResponse,
  ): ProblemDetails | undefined {
    if (exception instanceof ResponseAlreadySent) return undefined;
    const problem = this.report(exception, method, path, instance);
    if (res.headersSent) return undefined;
    if (problem.status === 503 && !res.getHeader('retry-after'))
      res.setHeader('retry-after', String(retryAfterOf(problem)));
    return problem;
  }

  /**
   * The problem an exception is answered with, after logging it or reporting the dependency to the
   * monitor as its kind says.
   */
  private report(exception: unknown, method: string, path: string, instance: string): ProblemDetails {
    const failure = dependencyFailure(exception);
    const problem = failure
      ? (exception instanceof ProblemError ? exception : dependencyProblem(failure)).toProblem(instance)
      : this.toProblem(exception, instance);
    if (failure && this.monitor) {
      this.monitor.reportDown(failure.dependency, failure.cause);
    } else if (exception instanceof ProblemError && problem.status >= 500) {
      // An expected outage (a dependency down, a timeout): one line, no stack.
      const extra = exception.logDetail ? ` [${exception.logDetail}]` : '';
      this.logger.warn(`${method} ${path}: ${problem.code}: ${problem.detail ?? problem.title}${extra}`);
    } else if (problem.status >= 500) {
      this.logger.error(`${method} ${path}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    return problem;
  }

  toProblem(exception: unknown, instance: string): ProblemDetails {
    if (exception instanceof ProblemError) return exception.toProblem(instance);
    const status = statusOf(exception);
    if (status !== undefined && status < 500) {
      const body = exception instanceof HttpException ? exception.getResponse() : undefined;
      const detail = detailOf(body) ?? (exception as Error).message;
      const code =
        (typeof body === 'object' && body && (body as { code?: string }).code) ||
        HTTP_CODES[status] ||
        `HTTP_${status}`;
      return new ProblemError(status, code, titleOf(status), detail).toProblem(instance);
    }
    return new ProblemError(
      500,
      'INTERNAL_ERROR',
      'Internal server error',
      'The service failed to handle the request; it has been logged.',
    ).toProblem(instance);
  }
}

/** The Retry-After of a 503 whose answer does not set one. */
function retryAfterOf(p: ProblemDetails): number {
  const n = Number(p.retryAfter);
  return Number.isInteger(n) && n > 0 ? n : RETRY_AFTER_SEC;
}

/** Nest HttpExceptions and body-parser/multer errors both carry a status. */
function statusOf(e: unknown): number | undefined {
  if (e instanceof HttpException) return e.getStatus();
  const s = (e as { status?: unknown; statusCode?: unknown })?.status ?? (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : undefined;
}

function detailOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    const m = (body as { message?: unknown }).message;
    if (Array.isArray(m)) return m.join('; ');
    if (typeof m === 'string') return m;
  }
  return undefined;
}

function titleOf(status: number): string {
  return (
    {
      400: 'Bad request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not found',
      409: 'Conflict',
      413: 'Payload too large',
      415: 'Unsupported media type',
      422: 'Unprocessable content',
      429: 'Too many requests',
    }[status] ?? 'Error'
  );
}
