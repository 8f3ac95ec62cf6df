import type { Caller, RoleGrant } from '@kyso/common';
import type { OwnershipDto } from '@kyso/contracts';
import type { AccessRule } from './matrix';

/** What the registry says about a resource (`GET /ownership/{kind}/{id}`): the internal contract. */
export type Ownership = OwnershipDto;

export type Decision = { allow: true } | { allow: false; code: DenyCode; detail: string };

export type DenyCode =
  | 'SYSTEM_NOT_ALLOWED'
  | 'INSUFFICIENT_SCOPE'
  | 'ORGANIZATION_NOT_SERVED'
  | 'ROLE_NOT_ALLOWED'
  | 'ORGANIZATION_NOT_COVERED'
  | 'NOT_OWN_RESOURCE';

/** Does the rule need the organisation of the resource (or body) to decide for this caller? */
export function needsOwnership(rule: AccessRule, caller: Caller): boolean {
  if (rule.org.kind !== 'resource' && rule.org.kind !== 'body') return false;
  if (caller.kind === 'system') return !!rule.scope && caller.scopes.includes(rule.scope);
  return !isAdmin(caller) && relevantGrants(rule, caller).length > 0;
}

const isAdmin = (c: Caller) => c.roles.some((g) => g.role === 'admin' && g.organizationId === null);
const relevantGrants = (rule: AccessRule, c: Caller): RoleGrant[] => c.roles.filter((g) => rule.roles.includes(g.role));

/** A grant on organisation X covers what X manages (and X itself when X is the resource's own unit). */
const covers = (orgId: string | null, o: Ownership) =>
  orgId !== null && (orgId === o.managingOrganizationId || orgId === o.organizationId);

/**
 * The matrix decision for one call. `target` is the ownership of the path resource or of the body's
 * organisation, when the rule has one (see needsOwnership).
 */
export function decide(rule: AccessRule, caller: Caller, target?: Ownership): Decision {
  if (rule.public) return { allow: true };
  const scoped = rule.org.kind === 'resource' || rule.org.kind === 'body';
  if (caller.kind === 'system') {
    if (!rule.scope) return deny('SYSTEM_NOT_ALLOWED', 'API keys may not call this route; an operator must.');
    if (!caller.scopes.includes(rule.scope))
      return deny('INSUFFICIENT_SCOPE', `This API key lacks the "${rule.scope}" scope.`);
    if (scoped && (!target || !caller.organizationIds.some((o) => covers(o, target)))) {
      return deny('ORGANIZATION_NOT_SERVED', 'This system does not serve the organisation this concerns.');
    }
    return { allow: true };
  }
  if (caller.kind !== 'operator') return deny('ROLE_NOT_ALLOWED', 'Only systems and operators call the public API.');
  const grants = relevantGrants(rule, caller);
  if (!grants.length)
    return deny('ROLE_NOT_ALLOWED', `This route needs one of the roles: ${rule.roles.join(', ') || '(none)'}.`);
  if (!scoped || (isAdmin(caller) && grants.some((g) => g.role === 'admin'))) return { allow: true };
  if (!target) return deny('ORGANIZATION_NOT_COVERED', 'The organisation this concerns is not known.');
  if (grants.some((g) => g.role !== 'official' && g.role !== 'admin' && covers(g.organizationId, target)))
    return { allow: true };
  const asOfficial = grants.some((g) => g.role === 'official');
  if (
    asOfficial &&
    rule.officialSelf &&
    caller.officialId &&
    (target.holderOfficialId === caller.officialId || (target.kind === 'official' && target.id === caller.officialId))
  ) {
    return { allow: true };
  }
  if (asOfficial && grants.every((g) => g.role === 'official'))
    return deny('NOT_OWN_RESOURCE', 'An official may reach only their own records here.');
  return deny('ORGANIZATION_NOT_COVERED', 'Your roles do not cover the organisation this concerns.');
}

const deny = (code: DenyCode, detail: string): Decision => ({ allow: false, code, detail });
