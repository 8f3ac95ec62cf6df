import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { CALLER_HEADER, INTERNAL_TOKEN_HEADER, requireInternalCredential } from './internal-auth';
import { badRequest } from './problem';

/**
 * Who is calling, as the gateway established it. The gateway authenticates (API key or operator
 * token) and forwards this, base64url JSON, in `x-kyso-caller` on every internal call; internal
 * services trust it because the internal credential came with it.
 */
export const ROLES = ['admin', 'it-officer', 'agency-head', 'clerk', 'official'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleGrant {
  role: Role;
  /** The organisation the role is held in; null for a province-wide admin. */
  organizationId: string | null;
}

export interface Caller {
  kind: 'system' | 'operator' | 'service';
  /** API key id, operator account id, or the service name. */
  id: string;
  name: string;
  /** Systems: the key's scopes. Operators: none (their roles decide). */
  scopes: string[];
  /** Systems: the organisations the system serves. */
  organizationIds: string[];
  /** Operators: their roles. */
  roles: RoleGrant[];
  /** The official an operator account belongs to, if any. */
  officialId: string | null;
  /**
   * Operators: the gateway sign-in (refresh-token family) the call came with. What lives only as long
   * as that sign-in (a signing session) is bound to it: after logout the gateway refuses the sign-in,
   * and a new one has another id.
   */
  sessionId?: string;
  /** Systems: whether the key has a webhook secret (false: a `callbackUrl` is refused, 422). */
  webhooks?: boolean;
}

const MAX_HEADER_CHARS = 8 * 1024;

/**
 * Encodings of immutable callers: a gateway forwards the same API key's caller (one frozen object
 * while its row is cached) on every request; a new object, with the row, gets a new encoding.
 */
const encodings = new WeakMap<Caller, string>();

export function encodeCaller(caller: Caller): string {
  const immutable = isImmutable(caller);
  const known = immutable ? encodings.get(caller) : undefined;
  if (known !== undefined) return known;
  const encoded = Buffer.from(JSON.stringify(caller), 'utf8').toString('base64url');
  if (immutable) encodings.set(caller, encoded);
  return encoded;
}

/** Frozen all the way down: its encoding cannot go stale. */
const isImmutable = (c: Caller): boolean =>
  Object.isFrozen(c) &&
  Object.isFrozen(c.scopes) &&
  Object.isFrozen(c.organizationIds) &&
  Object.isFrozen(c.roles) &&
  c.roles.every((r) => Object.isFrozen(r));

export function decodeCaller(header: string | undefined): Caller | undefined {
  if (!header) return undefined;
  if (header.length > MAX_HEADER_CHARS) throw badRequest('INVALID_CALLER', 'Caller header too large');
  try {
    const c = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Caller;
    if (!c || typeof c.id !== 'string' || !['system', 'operator', 'service'].includes(c.kind)) throw new Error('shape');
    return {
      ...c,
      scopes: c.scopes ?? [],
      organizationIds: c.organizationIds ?? [],
      roles: c.roles ?? [],
      officialId: c.officialId ?? null,
    };
  } catch {
    throw badRequest('INVALID_CALLER', 'Caller header is not valid');
  }
}

/** A caller for work a service does on its own account (e.g. the quickstart seeding). */
export const serviceCaller = (name: string): Caller => ({
  kind: 'service',
  id: name,
  name,
  scopes: [],
  organizationIds: [],
  roles: [],
  officialId: null,
});

/** The caller forwarded by the gateway in its header (a service caller when absent; 400 INVALID_CALLER when malformed). */
export const callerOf = (header: string | undefined): Caller => decodeCaller(header) ?? serviceCaller('internal');

/** The global guard's check, for a handler that answers without Nest (no token: none required). */
export function checkInternalCredential(req: IncomingMessage, internalToken: string | undefined): void {
  // Express's req.header(name) is req.headers[name] for these.
  if (internalToken) requireInternalCredential(internalToken, req.headers[INTERNAL_TOKEN_HEADER] as string);
}

/** What CallerParam gives a route, for a handler that answers without Nest. */
export const callerIn = (req: IncomingMessage): Caller => callerOf(req.headers[CALLER_HEADER] as string | undefined);

/** Controller parameter: the caller forwarded by the gateway (see callerOf). */
export const CallerParam = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return callerOf(req.header(CALLER_HEADER));
});
