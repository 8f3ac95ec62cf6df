import { Injectable } from '@nestjs/common';
import type { Caller } from '@kyso/common';
import { OrganizationEvent, OrganizationEvents } from '../organizations/organization-event';
import { OrganizationChangeInput, PersonnelService } from './personnel.service';

/** The drafts are raised by the registry on the event's behalf; the event's own actor is in its audit entry. */
const eventCaller = (e: OrganizationEvent): Caller => ({
  kind: 'service',
  id: 'registry:organization-events',
  name: `organisation event ${e.type} by ${e.actor.name}`,
  scopes: [],
  organizationIds: [],
  roles: [],
  officialId: null,
});

/** The change an organisation event amounts to, or undefined when no certificate is affected (an address-only move). */
export function changeFor(e: OrganizationEvent): OrganizationChangeInput | undefined {
  const base = { organizationIds: [e.organizationId], effectiveDate: e.at.toISOString().slice(0, 10) };
  switch (e.type) {
    case 'renamed':
      return { ...base, kind: 'rename', newName: e.details.after.name };
    case 'moved':
      return e.details.before.parentId === e.details.after.parentId ? undefined : { ...base, kind: 'move' };
    case 'merged':
      // Its units were re-parented to the successor before this runs: their certificates still name the old tree.
      return {
        ...base,
        kind: 'merge',
        organizationIds: [e.organizationId, ...e.details.movedUnitIds],
        targetOrganizationId: e.details.intoId,
      };
    case 'split':
      return { ...base, kind: 'split' };
    case 'dissolved':
      return { ...base, kind: 'dissolve' };
  }
}

/**
 * The lifecycle's answer to the organisations' OrganizationEvents port: a rename, move, merge,
 * split or dissolution recorded through the organisations API raises, in the same transaction, the
 * change or revocation drafts for every affected certificate and device, and notifies the IT officers.
 */
@Injectable()
export class OrganizationEventDrafts extends OrganizationEvents {
  constructor(private readonly personnel: PersonnelService) {
    super();
  }

  /** Runs in the transaction recording the event (PersonnelService joins it). */
  async organizationChanged(event: OrganizationEvent): Promise<void> {
    const change = changeFor(event);
    if (change) await this.personnel.organizationChangeIn(eventCaller(event), change, null);
  }
}
