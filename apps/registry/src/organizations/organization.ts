/** Organisations are never deleted: they end by merger, split or dissolution and keep their history. */
export const ORGANIZATION_STATUSES = ['active', 'merged', 'split', 'dissolved'] as const;
export type OrganizationStatus = (typeof ORGANIZATION_STATUSES)[number];

/** An agency or unit (cơ quan, tổ chức); `parentId` builds the administrative tree. */
export interface Organization {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  address: string | null;
  /** Has legal personality (tư cách pháp nhân): may hold an organisation certificate in its own name. */
  legalEntity: boolean;
  status: OrganizationStatus;
  endedAt: Date | null;
  /** Merged: the organisation it was merged into. */
  successorId: string | null;
  createdAt: Date;
}

export type NewOrganization = Pick<Organization, 'code' | 'name' | 'parentId' | 'address' | 'legalEntity'>;

/** The audit log's picture of an organisation. */
export const organizationSnapshot = (o: Organization) => ({
  code: o.code,
  name: o.name,
  parentId: o.parentId,
  address: o.address,
  legalEntity: o.legalEntity,
  status: o.status,
  successorId: o.successorId,
});
