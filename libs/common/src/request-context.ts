import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** Keeps a well-formed client request id or makes one, and echoes it: the request's id from here on. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Assigns the request id (assignRequestId) and runs the rest of the request in its context. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  storage.run({ requestId: assignRequestId(req, res) }, next);
}

export const requestIdOf = (req: IncomingMessage): string => {
  const id = req.headers[REQUEST_ID_HEADER];
  return (typeof id === 'string' ? id : undefined) ?? currentRequestId() ?? randomUUID();
};
