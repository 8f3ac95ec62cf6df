import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER } from './internal-auth';

/** Per-request context carried across awaits, so log lines and outgoing calls know the request id. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Ids a client may choose: short, printable, no spaces (they end up in logs and headers). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** Keeps a well-formed client request id or makes one, echoes it, and runs the rest of the request in its context. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header(REQUEST_ID_HEADER);
  const id = given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  storage.run({ requestId: id }, next);
}

export const requestIdOf = (req: Request): string =>
  req.header(REQUEST_ID_HEADER) ?? currentRequestId() ?? randomUUID();
