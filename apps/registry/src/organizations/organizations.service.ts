import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { conflict, notFound, unprocessable } from '@kyso/common';
import type { Acting } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { Clock } from '@kyso/common';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/pg-errors';
import { Transactions } from '../shared/transactions';
import { NewOrganization, Organization, organizationSnapshot } from './organization';
import {
  NoOrganizationEvents,
  OrganizationEvent,
  OrganizationEventDetails,
  OrganizationEvents,
  OrganizationEventType,
} from './organization-event';
import { ORGANIZATION_CODE_KEY, OrganizationListQuery, OrganizationsRepository } from './organizations.repository';

type Patch = Partial<Omit<Organization, 'id' | 'createdAt'>>;

@Injectable()
export class OrganizationsService {
  private eventsPortInstance?: OrganizationEvents;

  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly tx: Transactions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {}

  async create(input: NewOrganization, acting?: Acting): Promise<Organization> {
    if (input.parentId) await this.requireActive(input.parentId, 'parentId');
    try {
      return await this.tx.run(async () => {
        const org = await this.organizations.insert(input);
        await this.audit.append({
          ...this.who(acting),
          action: 'organization.created',
          entityType: 'organization',
          entityId: org.id,
          after: organizationSnapshot(org),
        });
        return org;
      });
    } catch (e) {
      throw this.translate(e, input.code);
    }
  }

  async get(id: string): Promise<Organization> {
    const org = await this.organizations.findById(id);
    if (!org) throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${id}`);
    return org;
  }

  find(id: string): Promise<Organization | undefined> {
    return this.organizations.findById(id);
  }

  list(page: OrganizationListQuery): Promise<Organization[]> {
    return this.organizations.list(page);
  }

  /** For other modules: an organisation named in a request body must exist (422, not 404: the URL is fine). */
  async requireReferenced(id: string, field = 'organizationId'): Promise<Organization> {
    const org = await this.organizations.findById(id);
    if (!org) throw unprocessable('ORGANIZATION_NOT_FOUND', `${field} ${id} names no organisation`);
    return org;
  }

  /** As requireReferenced, and the organisation must not have ended (merged, split, dissolved). */
  async requireActive(id: string, field = 'organizationId'): Promise<Organization> {
    const org = await this.requireReferenced(id, field);
    if (org.status !== 'active')
      throw unprocessable(
        'ORGANIZATION_ENDED',
        `${field} ${id} names an organisation that has ${org.status === 'split' ? 'been split' : org.status}`,
      );
    return org;
  }

  /**
   * The directly managing agency (Decree 68): the nearest legal-entity ancestor-or-self. Undefined
   * for an unknown organisation; the organisation itself when no ancestor is a legal entity.
   */
  async managingOrganizationId(id: string): Promise<string | undefined> {
    const chain = await this.organizations.ancestry(id);
    if (chain.length === 0) return undefined;
    return (chain.find((o) => o.legalEntity) ?? chain[0]).id;
  }

  events(id: string): Promise<OrganizationEvent[]> {
    return this.organizations.events(id);
  }

  rename(id: string, to: { name: string; code?: string }, acting: Acting): Promise<Organization> {
    return this.change(id, 'renamed', acting, async (org) => {
      const after = { name: to.name, code: to.code ?? org.code };
      return { patch: after, details: { before: { name: org.name, code: org.code }, after } };
    });
  }

  /** Moves in the tree (a new parent, null for a root) and/or to a new address. */
  move(id: string, to: { parentId?: string | null; address?: string | null }, acting: Acting): Promise<Organization> {
    return this.change(id, 'moved', acting, async (org) => {
      const parentId = to.parentId === undefined ? org.parentId : to.parentId;
      if (parentId && parentId !== org.parentId) {
        const parent = await this.organizations.lock(parentId);
        if (!parent) throw unprocessable('ORGANIZATION_NOT_FOUND', `parentId ${parentId} names no organisation`);
        if (parent.status !== 'active')
          throw unprocessable('ORGANIZATION_ENDED', `parentId ${parentId} names an organisation that has ended`);
        if (parentId === id || (await this.organizations.descendantIds(id)).includes(parentId)) {
          throw unprocessable(
            'ORGANIZATION_CYCLE',
            'An organisation cannot be moved under itself or one of its own units',
          );
        }
      }
      const after = { parentId, address: to.address === undefined ? org.address : to.address };
      return { patch: after, details: { before: { parentId: org.parentId, address: org.address }, after } };
    });
  }

  /** Merges `id` into `intoId`: its units and officials move to the successor, and it ends. */
  merge(id: string, intoId: string, acting: Acting): Promise<Organization> {
    return this.change(id, 'merged', acting, async () => {
      if (intoId === id) throw unprocessable('ORGANIZATION_CYCLE', 'An organisation cannot be merged into itself');
      const into = await this.organizations.lock(intoId);
      if (!into) throw unprocessable('ORGANIZATION_NOT_FOUND', `intoId ${intoId} names no organisation`);
      if (into.status !== 'active')
        throw unprocessable('ORGANIZATION_ENDED', `intoId ${intoId} names an organisation that has ended`);
      if ((await this.organizations.descendantIds(id)).includes(intoId)) {
        throw unprocessable('ORGANIZATION_CYCLE', 'An organisation cannot be merged into one of its own units');
      }
      const movedUnitIds = await this.organizations.reparentChildren(id, intoId);
      const movedOfficialIds = await this.organizations.moveOfficials(id, intoId);
      return {
        patch: { status: 'merged', endedAt: this.clock.now(), successorId: intoId },
        details: { intoId, movedUnitIds, movedOfficialIds },
      };
    });
  }

  /** Splits `id` into new organisations under the same parent; it ends. Its officials stay until reassigned. */
  split(
    id: string,
    parts: NewOrganization[],
    acting: Acting,
  ): Promise<{ organization: Organization; parts: Organization[] }> {
    let created: Organization[] = [];
    return this.change(id, 'split', acting, async (org) => {
      created = [];
      for (const part of parts) {
        const p = await this.organizations
          .insert({ ...part, parentId: org.parentId })
          .catch((e) => Promise.reject(this.translate(e, part.code)));
        await this.audit.append({
          ...this.who(acting),
          action: 'organization.created',
          entityType: 'organization',
          entityId: p.id,
          after: organizationSnapshot(p),
        });
        created.push(p);
      }
      return {
        patch: { status: 'split', endedAt: this.clock.now() },
        details: { newOrganizationIds: created.map((p) => p.id) },
      };
    }).then((organization) => ({ organization, parts: created }));
  }

  /** Dissolves an organisation without active units of its own (move or dissolve those first). */
  dissolve(id: string, reason: string | null, acting: Acting): Promise<Organization> {
    return this.change(id, 'dissolved', acting, async (_org) => {
      const units = await this.organizations.activeChildIds(id);
      if (units.length > 0)
        throw conflict(
          'ORGANIZATION_HAS_UNITS',
          `The organisation still has ${units.length} active unit(s): move or dissolve them first`,
        );
      return { patch: { status: 'dissolved', endedAt: this.clock.now() }, details: { reason } };
    });
  }

  /**
   * One event: lock the organisation, check it is active, apply the change, record the event, append
   * the audit entry and tell the OrganizationEvents port, all in one transaction.
   */
  private async change<T extends OrganizationEventType>(
    id: string,
    type: T,
    acting: Acting,
    apply: (org: Organization) => Promise<{ patch: Patch; details: OrganizationEventDetails[T] }>,
  ): Promise<Organization> {
    return this.tx.run(async () => {
      const org = await this.organizations.lock(id);
      if (!org) throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${id}`);
      if (org.status !== 'active')
        throw conflict('ORGANIZATION_ENDED', `The organisation has already ended (${org.status})`);
      const { patch, details } = await apply(org);
      let updated: Organization;
      try {
        updated = await this.organizations.update(id, patch);
      } catch (e) {
        throw this.translate(e, patch.code ?? org.code);
      }
      const event = await this.organizations.insertEvent({
        organizationId: id,
        type,
        details,
        actor: acting.actor,
        at: this.clock.now(),
      } as Omit<OrganizationEvent, 'id'>);
      await this.audit.append({
        ...this.who(acting),
        action: `organization.${type}`,
        entityType: 'organization',
        entityId: id,
        before: organizationSnapshot(org),
        after: { ...organizationSnapshot(updated), event: { id: event.id, details } },
      });
      await this.eventsPort().organizationChanged(event);
      return updated;
    });
  }

  /** Looked up lazily and app-wide, so the lifecycle context can provide it without a module cycle. */
  private eventsPort(): OrganizationEvents {
    if (!this.eventsPortInstance) {
      try {
        this.eventsPortInstance = this.moduleRef.get(OrganizationEvents, { strict: false });
      } catch {
        this.eventsPortInstance = new NoOrganizationEvents();
      }
    }
    return this.eventsPortInstance;
  }

  private who(acting?: Acting) {
    return {
      actor: acting?.actor ?? { kind: 'service' as const, id: 'registry', name: 'registry' },
      requestId: acting?.requestId ?? null,
    };
  }

  private translate(e: unknown, code: string): unknown {
    if (isUniqueViolation(e, ORGANIZATION_CODE_KEY))
      return conflict('ORGANIZATION_CODE_EXISTS', `An organisation with code ${code} already exists`);
    if (isForeignKeyViolation(e)) return unprocessable('ORGANIZATION_NOT_FOUND', 'parentId names no organisation');
    return e;
  }
}
