import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { unauthorized } from './problem';

/** Header carrying the credential services require from each other (the gateway included). */
export const INTERNAL_TOKEN_HEADER = 'x-kyso-internal-token';
/** Header naming the caller on whose behalf the gateway forwards (system or operator id). */
export const CALLER_HEADER = 'x-kyso-caller';
export const REQUEST_ID_HEADER = 'x-request-id';

/** Constant-time comparison that does not reveal the secret's length either (both sides hashed first). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a === b;
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
