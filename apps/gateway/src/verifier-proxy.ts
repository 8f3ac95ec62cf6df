import type { Request, Response } from 'express';
import type { Caller } from '@kyso/common';
import { authOf, callerOf } from './authz/access.guard';
import { checkedQuery } from './checked-query';
import { proxy } from './proxy';
import { uploadCall, UploadRoute } from './upload-routes';
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

/** Validations' uploads that are not in the UPLOAD_ROUTES table: the verifier's path, the validation limit. */
const verifierUpload = (servicePath: string): UploadRoute => ({
  path: servicePath,
  upstream: 'verifier',
  servicePath,
  body: 'validationsPdf',
});

/**
 * A multipart upload to validate, streamed as `route` says (or to the verifier's path `route`)
 * with the checked query, as the caller (or as `caller`, for an anonymous upload).
 */
export function uploadToVerifier(
  up: Upstreams,
  req: Request,
  res: Response,
  route: UploadRoute | string,
  query: object,
  caller: Caller = callerOf(req),
) {
  const call = uploadCall(up, typeof route === 'string' ? verifierUpload(route) : route, checkedQuery(query));
  return proxy(req, res, { ...call, caller });
}
