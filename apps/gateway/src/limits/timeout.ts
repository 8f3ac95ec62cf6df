import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, ProblemError } from '@kyso/common';

const ABORT = Symbol('kyso.abort');

/** The signal that fires when the request has run out of time (the proxy passes it upstream). */
export const abortSignalOf = (req: Request): AbortSignal | undefined =>
  (req as unknown as Record<symbol, AbortController>)[ABORT]?.signal;

/** The whole request, upstream call included, must finish within `ms`, else 504 problem+json. */
export function requestTimeout(ms: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const controller = new AbortController();
    (req as unknown as Record<symbol, AbortController>)[ABORT] = controller;
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
      res.status(504).setHeader('connection', 'close');
      res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(p.toProblem(req.originalUrl)));
    }, ms);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
