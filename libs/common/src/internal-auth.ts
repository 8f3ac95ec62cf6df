import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { unauthorized } from './problem';

/** Header carrying the credential services require from each other (the gateway included). */
export const INTERNAL_TOKEN_HEADER = 'x-kyso-internal-token';
/** Header naming the caller on whose behalf the gateway forwards (system or operator id). */
export const CALLER_HEADER = 'x-kyso-caller';
export const REQUEST_ID_HEADER = 'x-request-id';

/** The expected secrets' digests (a service compares with one or two configured secrets). */
const EXPECTED_DIGESTS = new Map<string, Buffer>();
const EXPECTED_DIGESTS_MAX = 16;

function expectedDigest(secret: string): Buffer {
  let d = EXPECTED_DIGESTS.get(secret);
  if (!d) {
    if (EXPECTED_DIGESTS.size >= EXPECTED_DIGESTS_MAX) EXPECTED_DIGESTS.clear();
    EXPECTED_DIGESTS.set(secret, (d = hash('sha256', secret, 'buffer')));
  }
  return d;
}

/**
 * Constant-time comparison of the secret `given` with the `expected` one that does not reveal the
 * secret's length either (both sides hashed first). The expected secret's digest is computed once
 * (issue 16.3: once per request on every internal call); the given one is hashed on every call.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(hash('sha256', given, 'buffer'), expectedDigest(expected)) && given === expected;
}

/**
 * Paths open without the credential: liveness/readiness probes, and the dev CA's CRL, OCSP
 * responder and TSA, which relying parties (any verifier, pdf readers, signers) must reach like a
 * real CA's.
 */
export function isPublicInternalPath(path: string): boolean {
  return (
    path === '/health' ||
    path === '/health/ready' ||
    path === '/dev-ca/crl' ||
    path === '/dev-ca/root.crl' ||
    path === '/dev-ca/ocsp' ||
    path === '/dev-ca/tsa'
  );
}

/** Refuses (401) a call without the internal credential: the guard's check, also for handlers that answer without Nest. */
export function requireInternalCredential(token: string, given: string | undefined): void {
  if (!given || !sameSecret(given, token)) {
    throw unauthorized('INTERNAL_CREDENTIAL_REQUIRED', 'This service accepts calls only from Kyso services.');
  }
}

/**
 * Internal services refuse any call without the internal credential, except the public paths
 * above.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (isPublicInternalPath(req.path)) return true;
    requireInternalCredential(this.token, req.header(INTERNAL_TOKEN_HEADER));
    return true;
  }
}
