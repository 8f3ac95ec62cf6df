import type { Request, Response } from 'express';
import type { Caller } from '@kyso/common';
import { authOf, callerOf } from './authz/access.guard';
import { checkedQuery } from './checked-query';
import { proxy } from './proxy';
import type { Upstreams } from './upstreams';

/** A read of validations, passed to the verifier at the path the access matrix resolved, as the caller. */
export function readFromVerifier(up: Upstreams, req: Request, res: Response): Promise<void> {
  return proxy(req, res, {
    client: up.verifier,
    method: 'GET',
    path: authOf(req).servicePath,
    caller: callerOf(req),
    timeoutMs: up.timeoutMs,
  });
}

/**
 * A multipart upload to validate, streamed to the verifier's `path` with the checked query, as the
 * caller (or as `caller`, for an anonymous upload).
 */
export function uploadToVerifier(
  up: Upstreams,
  req: Request,
  res: Response,
  path: string,
  query: object,
  caller: Caller = callerOf(req),
) {
  return proxy(req, res, {
    client: up.verifier,
    method: 'POST',
    path: path + checkedQuery(query),
    caller,
    maxBodyBytes: up.bodyLimits.validationsPdf,
    timeoutMs: up.timeoutMs,
  });
}
