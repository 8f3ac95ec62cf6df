import type { NationalIdKind } from './national-id';

/** `clerk` is the văn thư who keeps and signs with the organisation's certificate. */
export const OFFICIAL_ROLES = ['official', 'clerk'] as const;
export type OfficialRole = (typeof OFFICIAL_ROLES)[number];

/** Only `active` officials may sign; the others are personnel changes the lifecycle workflow records. */
export const EMPLOYMENT_STATUSES = [
  'active',
  'suspended',
  'transferred',
  'retired',
  'resigned',
  'dismissed',
  'deceased',
] as const;
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
  /** Which kind of national ID number is on file (the number itself is encrypted, see OfficialRecord). */
  nationalIdKind: NationalIdKind | null;
  createdAt: Date;
}

/** As stored: with the encrypted national ID and its blind index. Never leaves the service. */
export interface OfficialRecord extends Official {
  nationalIdEncrypted: Uint8Array | null;
  nationalIdIndex: string | null;
}

/** What callers see: the national ID masked to its last 3 digits. */
export interface OfficialView extends Omit<Official, 'createdAt'> {
  nationalIdMasked: string | null;
  createdAt: string;
}

export type NewOfficial = Pick<Official, 'fullName' | 'email' | 'title' | 'organizationId' | 'roles'> & {
  nationalId?: string | null;
};

export type OfficialPatch = Partial<
  Pick<Official, 'fullName' | 'email' | 'title' | 'organizationId' | 'employmentStatus' | 'roles'>
> & {
  /** A new number, or null to erase it. */
  nationalId?: string | null;
};

/** Every official has the `official` role; extra roles come on top, each once, in a stable order. */
export function normaliseRoles(given: readonly OfficialRole[] | undefined): OfficialRole[] {
  const set = new Set<OfficialRole>(['official', ...(given ?? [])]);
  return OFFICIAL_ROLES.filter((r) => set.has(r));
}

/** The audit log's picture of an official: never the national ID, only whether one is on file. */
export const officialSnapshot = (o: Official) => ({
  fullName: o.fullName,
  email: o.email,
  title: o.title,
  organizationId: o.organizationId,
  employmentStatus: o.employmentStatus,
  roles: o.roles,
  nationalId: o.nationalIdKind ? `[encrypted ${o.nationalIdKind}]` : null,
});
