import type { Caller } from '@kyso/common';

export const OWNERSHIP_KINDS = ['organization', 'official', 'certificate', 'device', 'request'] as const;
export type OwnershipKind = (typeof OWNERSHIP_KINDS)[number];

/** Who a resource belongs to, for the gateway's access checks (shared design). */
export interface Ownership {
  kind: OwnershipKind;
  id: string;
  organizationId: string;
  /** The directly managing agency: nearest legal-entity ancestor-or-self of `organizationId`. */
  managingOrganizationId: string;
  holderOfficialId: string | null;
}

/**
 * Whether a caller's grants cover a managing organisation: an admin covers all, an operator the
 * organisations of its roles, a system those it serves, the registry's own services everything.
 */
export function callerCovers(caller: Caller, managingOrganizationId: string): boolean {
  switch (caller.kind) {
    case 'service':
      return true;
    case 'system':
      return caller.organizationIds.includes(managingOrganizationId);
    case 'operator':
      return caller.roles.some((g) => (g.role === 'admin' && g.organizationId === null) || g.organizationId === managingOrganizationId);
  }
}

/** The organisations whose resources a caller may list, or 'all'. */
export function callerScope(caller: Caller): 'all' | string[] {
  if (caller.kind === 'service') return 'all';
  if (caller.kind === 'system') return caller.organizationIds;
  if (caller.roles.some((g) => g.role === 'admin' && g.organizationId === null)) return 'all';
  return [...new Set(caller.roles.map((g) => g.organizationId).filter((o): o is string => o !== null))];
}
