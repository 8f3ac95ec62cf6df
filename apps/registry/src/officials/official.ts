/** `clerk` is the văn thư who keeps and signs with the organisation's certificate. */
export const OFFICIAL_ROLES = ['official', 'clerk'] as const;
export type OfficialRole = (typeof OFFICIAL_ROLES)[number];

/** Only `active` officials may sign; the others are personnel changes the lifecycle workflow records. */
export const EMPLOYMENT_STATUSES = ['active', 'suspended', 'transferred', 'retired', 'dismissed'] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

/** A cán bộ, công chức, viên chức of one organisation. */
export interface Official {
  id: string;
  fullName: string;
  email: string;
  title: string;
  organizationId: string;
  employmentStatus: EmploymentStatus;
  roles: OfficialRole[];
  createdAt: Date;
}

export type NewOfficial = Pick<Official, 'fullName' | 'email' | 'title' | 'organizationId' | 'roles'>;

/** Every official has the `official` role; extra roles come on top, each once, in a stable order. */
export function normaliseRoles(given: readonly OfficialRole[] | undefined): OfficialRole[] {
  const set = new Set<OfficialRole>(['official', ...(given ?? [])]);
  return OFFICIAL_ROLES.filter((r) => set.has(r));
}
