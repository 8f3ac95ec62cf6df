import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { forbidden, unauthorized } from '@kyso/common';
import { ApiCaller, ApiKeyAuthenticator, hasScope } from './api-key.authenticator';
import { Scope } from './api-keys';

const SCOPE_KEY = 'kyso:scope';
/** The scope a route needs. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

const CALLER = Symbol('kyso.caller');
export const callerOf = (req: Request): ApiCaller => (req as unknown as Record<symbol, ApiCaller>)[CALLER];

const MESSAGES = {
  MISSING: 'Send an API key as "Authorization: Bearer <key>".',
  MALFORMED: 'The Authorization header does not hold a Kyso API key.',
  UNKNOWN: 'The API key is not known.',
  EXPIRED: 'The API key has expired.',
  REVOKED: 'The API key has been revoked.',
} as const;

/** API key authentication and scope check; the key itself is never logged or echoed. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const result = await this.authenticator.authenticate(req.header('authorization'));
    if (!result.ok) {
      const error = result.reason === 'MISSING' ? '' : ', error="invalid_token"';
      http.getResponse<Response>().setHeader('WWW-Authenticate', `Bearer realm="kyso"${error}`);
      throw unauthorized('UNAUTHENTICATED', MESSAGES[result.reason]);
    }
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [context.getHandler(), context.getClass()]);
    if (scope && !hasScope(result.caller, scope)) {
      throw forbidden('INSUFFICIENT_SCOPE', `This API key lacks the "${scope}" scope.`);
    }
    (req as unknown as Record<symbol, ApiCaller>)[CALLER] = result.caller;
    return true;
  }
}
