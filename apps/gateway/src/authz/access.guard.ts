import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  badRequest,
  Caller,
  callbackNotSupported,
  forbidden,
  InternalClient,
  notFound,
  ResponseAlreadySent,
  ROUTE_TEMPLATE_LOCAL,
} from '@kyso/common';
import { ownershipAnswer, ownershipPath } from '@kyso/contracts';
import type { AccessClaims } from '../identity/jwt';
import { Idempotency } from '../limits/idempotency';
import { checkInput } from '../limits/input';
import { AccessSteps, authenticateOrRefuse, meter, meterAnonymous, meterCaller } from './access-steps';
import { decide, needsOwnership, Ownership } from './decide';
import { AccessRule, findRule, PUBLIC_VALIDATIONS_PDF, servicePathOf } from './matrix';
import { canonicalPath, fillTemplate, queryOf, UUID } from './paths';

export const ACCESS_DEPS = Symbol('ACCESS_DEPS');

export interface AccessDeps extends AccessSteps {
  idempotency: Idempotency;
  registry: InternalClient;
  /** Largest body per rule path (for reading a replayed request); default 1 MiB. */
  bodyLimitFor: (rule: AccessRule) => number;
}

interface Authenticated {
  caller: Caller;
  rule: AccessRule;
  /** Path parameters: lower-case UUIDs, checked before anything is forwarded. */
  params: Record<string, string>;
  /** Where the rule's upstream serves this call: the rule's template filled in, plus the query. */
  servicePath: string;
  accessClaims?: AccessClaims;
}

const AUTH = Symbol('kyso.auth');
export const authOf = (req: Request): Authenticated => (req as unknown as Record<symbol, Authenticated>)[AUTH];
export const callerOf = (req: Request): Caller => authOf(req).caller;

/**
 * The one place access is decided, for every route (a global guard): find the route's rule in the
 * matrix (none: refused), authenticate, apply the rate limit, check role/scope and organisation
 * (asking the registry who owns the resource), then honour Idempotency-Key.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(@Inject(ACCESS_DEPS) private readonly d: AccessDeps) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const found = findRule(req.method, canonicalPath(req.path));
    if (!found) {
      if (isRegistryCatchAll(context)) throw notFound('NOT_FOUND', `No route ${req.method} ${req.path}`);
      throw forbidden('ROUTE_NOT_IN_MATRIX', 'This route has no entry in the access matrix and is refused.');
    }
    const { rule } = found;
    res.locals[ROUTE_TEMPLATE_LOCAL] = rule.path;
    checkInput(req);
    if (!rule.callbacks && req.query.callbackUrl !== undefined) throw callbackNotSupported();
    if (rule.public) {
      // Health is for load balancers and probes; everything else anonymous is metered per address.
      if (!rule.path.startsWith('/health')) await meterAnonymous(this.d, res, String(req.ip));
      if (rule.path.endsWith('/auth/login'))
        await meter(
          this.d.limiter,
          res,
          `login:${req.ip}`,
          this.d.limits.loginPerMinute,
          'sign-in attempts from this address',
        );
      if (rule.path === PUBLIC_VALIDATIONS_PDF)
        await meter(
          this.d.limiter,
          res,
          `public-validation:${req.ip}`,
          this.d.limits.publicValidationsPerMinute,
          'documents checked from this address',
        );
      return true;
    }

    const auth = await authenticateOrRefuse(this.d, req.header('authorization'), res, () => String(req.ip));
    const caller = auth.caller;
    const params = uuidParams(found.params);
    const servicePath = fillTemplate(servicePathOf(rule), params) + queryOf(req.originalUrl);
    (req as unknown as Record<symbol, Authenticated>)[AUTH] = {
      caller,
      rule,
      params,
      servicePath,
      accessClaims: auth.accessClaims,
    };
    await meterCaller(this.d, res, caller);

    const target = needsOwnership(rule, caller) ? await this.ownership(rule, params, req) : undefined;
    const decision = decide(rule, caller, target);
    if (!decision.allow) throw forbidden(decision.code, decision.detail);

    if (
      rule.idempotent &&
      (await this.d.idempotency.begin(req, res, caller, `${rule.method} ${req.path}`, this.d.bodyLimitFor(rule))) ===
        'handled'
    ) {
      throw new ResponseAlreadySent();
    }
    return true;
  }

  private async ownership(rule: AccessRule, params: Record<string, string>, req: Request): Promise<Ownership> {
    if (rule.org.kind === 'resource') {
      const id = params[rule.org.param];
      return this.d.registry.json('GET', ownershipPath(rule.org.resource, id), ownershipAnswer);
    }
    if (rule.org.kind === 'body') {
      const field = rule.org.field;
      const id = (req.body as Record<string, unknown> | undefined)?.[field];
      if (typeof id !== 'string' || !UUID.test(id))
        throw badRequest('MISSING_FIELD', `${field} (a UUID) is required`, { field });
      return this.d.registry.json('GET', ownershipPath('organization', id), ownershipAnswer);
    }
    throw new Error(`rule ${rule.path} has no ownership`);
  }
}

/** A position in a list (a batch's documents): a small whole number. */
const INDEX = /^\d{1,6}$/;

/** Every id in a public path is a UUID (`:index` a position); anything else names nothing and is never forwarded. */
function uuidParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(params)) {
    if (!(name === 'index' ? INDEX : UUID).test(v))
      throw notFound('NOT_FOUND', `No resource with ${name} ${v.slice(0, 64)}`);
    out[name] = v.toLowerCase();
  }
  return out;
}

const isRegistryCatchAll = (context: ExecutionContext) => context.getClass().name === 'RegistryProxyController';
