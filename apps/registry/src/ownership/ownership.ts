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
