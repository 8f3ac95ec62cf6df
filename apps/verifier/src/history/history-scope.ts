import type { Caller, Role } from '@kyso/common';

/** Roles that oversee an organisation's checks (issue 14.5); everyone else sees their own only. */
export const HISTORY_ROLES: readonly Role[] = ['admin', 'it-officer', 'agency-head'];

/**
 * Whose validations a caller may list: a province-wide admin all of them; an admin, IT officer or
 * agency head of an organisation those made for it; every caller (a system, a clerk) its own.
 */
export type HistoryScope =
  { all: true } | { all: false; own: { kind: Caller['kind']; id: string }; organizationIds: string[] };

export function historyScope(caller: Caller): HistoryScope {
  if (caller.kind === 'operator' && caller.roles.some((g) => g.role === 'admin' && g.organizationId === null))
    return { all: true };
  const organizationIds =
    caller.kind === 'operator'
      ? [
          ...new Set(
            caller.roles
              .filter((g) => HISTORY_ROLES.includes(g.role) && g.organizationId)
              .map((g) => g.organizationId as string),
          ),
        ]
      : [];
  return { all: false, own: { kind: caller.kind, id: caller.id }, organizationIds };
}
