import type { ServerResponse } from 'node:http';
import { Caller, unauthorized } from '@kyso/common';
import type { LimitSettings } from '../config';
import type { Authentication, Authenticator } from '../identity/authenticator';
import { RateLimiter, tooManyRequests } from '../limits/rate-limit';

/** What the access guard and the lean upload routes (lean-uploads.ts) share, so both apply the same rules. */
export interface AccessSteps {
  authenticator: Authenticator;
  limiter: RateLimiter;
  limits: LimitSettings;
}

/**
 * The caller behind the Authorization header. Refused: the client address (`ip`) is metered like
 * any anonymous call (token or key guessing), then 401 with WWW-Authenticate.
 */
export async function authenticateOrRefuse(
  d: AccessSteps,
  authorization: string | undefined,
  res: ServerResponse,
  ip: () => string,
): Promise<Extract<Authentication, { ok: true }>> {
  const auth = await d.authenticator.authenticate(authorization);
  if (auth.ok) return auth;
  await meterAnonymous(d, res, ip());
  res.setHeader('WWW-Authenticate', `Bearer realm="kyso"${auth.missing ? '' : ', error="invalid_token"'}`);
  throw unauthorized('UNAUTHENTICATED', auth.detail);
}

/** The per-caller limit: per API key or per operator. */
export function meterCaller(d: AccessSteps, res: ServerResponse, caller: Caller): Promise<void> {
  const system = caller.kind === 'system';
  return meter(
    d.limiter,
    res,
    `${caller.kind}:${caller.id}`,
    system ? d.limits.systemPerMinute : d.limits.operatorPerMinute,
    system ? 'this API key' : 'this operator',
  );
}

/** Per client address (req.ip: the connection, or X-Forwarded-For from a configured trusted proxy). */
export function meterAnonymous(d: AccessSteps, res: ServerResponse, ip: string): Promise<void> {
  return meter(d.limiter, res, `anon:${ip}`, d.limits.publicPerMinute, 'unauthenticated calls from this address');
}

/** One hit on a bucket: 429 with Retry-After when over, 503 (Retry-After 5) when Redis cannot count. */
export async function meter(
  limiter: RateLimiter,
  res: ServerResponse,
  bucket: string,
  perMinute: number,
  what: string,
): Promise<void> {
  const r = await limiter.hit(bucket, perMinute).catch((e: unknown) => {
    res.setHeader('retry-after', '5');
    throw e;
  });
  if (!r.allowed) {
    res.setHeader('retry-after', String(r.retryAfterSec));
    throw tooManyRequests(r.retryAfterSec, what);
  }
  res.setHeader('ratelimit-remaining', String(r.remaining));
}
