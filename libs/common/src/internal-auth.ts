import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { unauthorized } from './problem';

/** Header carrying the credential services require from each other (the gateway included). */
export const INTERNAL_TOKEN_HEADER = 'x-kyso-internal-token';
/** Header naming the caller on whose behalf the gateway forwards (system or operator id). */
export const CALLER_HEADER = 'x-kyso-caller';
export const REQUEST_ID_HEADER = 'x-request-id';

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Internal services refuse any call without the internal credential, except liveness and
 * readiness probes.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.path === '/health' || req.path === '/health/ready') return true;
    const given = req.header(INTERNAL_TOKEN_HEADER);
    if (!given || !sameSecret(given, this.token)) {
      throw unauthorized('INTERNAL_CREDENTIAL_REQUIRED', 'This service accepts calls only from Kyso services.');
    }
    return true;
  }
}
