import type { AuditActor } from '../audit/audit-log';

export const ORGANIZATION_EVENT_TYPES = ['renamed', 'moved', 'merged', 'split', 'dissolved'] as const;
export type OrganizationEventType = (typeof ORGANIZATION_EVENT_TYPES)[number];

/** What each event records (the organisation's state before and after, and what moved with it). */
export interface OrganizationEventDetails {
  renamed: { before: { name: string; code: string }; after: { name: string; code: string } };
  moved: {
    before: { parentId: string | null; address: string | null };
    after: { parentId: string | null; address: string | null };
  };
  merged: { intoId: string; movedUnitIds: string[]; movedOfficialIds: string[] };
  split: { newOrganizationIds: string[] };
  dissolved: { reason: string | null };
}

export type OrganizationEvent = {
  [T in OrganizationEventType]: {
    id: string;
    organizationId: string;
    type: T;
    details: OrganizationEventDetails[T];
    actor: AuditActor;
    at: Date;
  };
}[OrganizationEventType];

/**
 * In-process port: told of every organisation event inside the transaction that records it, so a
 * reaction (e.g. change or revocation request drafts for the affected certificates) commits or
 * fails with the event. The lifecycle context implements it: provide a class extending this one
 * under this token from any module (it is looked up app-wide); without one, nothing reacts.
 */
export abstract class OrganizationEvents {
  abstract organizationChanged(event: OrganizationEvent): Promise<void>;
}

export class NoOrganizationEvents extends OrganizationEvents {
  async organizationChanged(): Promise<void> {}
}
