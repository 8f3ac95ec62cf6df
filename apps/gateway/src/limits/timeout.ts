import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { Abort, ProblemDetails, ProblemError } from '@kyso/common';

const ABORT = Symbol('kyso.abort');

/** The signal that fires when the request has run out of time (the proxy passes it upstream). */
export const abortSignalOf = (req: IncomingMessage): Abort | undefined =>
  (req as unknown as Record<symbol, Abort>)[ABORT];

/** Whether the request ran out of time: its 504 has been sent (or its answer cut), nothing more to say. */
export const timedOut = (req: IncomingMessage): boolean => abortSignalOf(req)?.aborted ?? false;

/**
 * The whole request, upstream call included, must finish within `ms`, else 504 problem+json, sent
 * by `send` (ServiceHttp.sendProblem: the lean upload routes send theirs with it too).
 */
export function requestTimeout(ms: number, send: (res: ServerResponse, problem: ProblemDetails) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    armRequestTimeout(req, res, ms, req.originalUrl, (p) => send(res, p));
    next();
  };
}

/**
 * What requestTimeout does, for a handler that answers without Express: after `ms` the upstream
 * call is aborted and, unless an answer has begun, 504 REQUEST_TIMEOUT is sent with `send`.
 */
export function armRequestTimeout(
  req: IncomingMessage,
  res: ServerResponse,
  ms: number,
  instance: string,
  send: (problem: ProblemDetails) => void,
): void {
  const controller = new Abort();
  (req as unknown as Record<symbol, Abort>)[ABORT] = controller;
  const timer = setTimeout(() => {
    controller.abort(new Error('request timeout'));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const p = new ProblemError(
      504,
      'REQUEST_TIMEOUT',
      'Gateway timeout',
      `The request did not complete within ${ms} ms.`,
    );
    res.statusCode = 504;
    res.setHeader('connection', 'close');
    send(p.toProblem(instance));
  }, ms);
  timer.unref();
  res.on('close', () => clearTimeout(timer));
}
