import { Injectable } from '@nestjs/common';
import { FindOptionsWhere, In, Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { Db } from '../shared/transactions';
import type { VisibleTo } from '../ownership/visibility';
import { findVisiblePage } from '../ownership/visibility';
import { NewOrganization, Organization, OrganizationStatus } from './organization';
import { OrganizationEntity } from './organization.entity';
import { OrganizationEvent, OrganizationEventType } from './organization-event';

/** A page of organisations, optionally by status or parent, restricted to what a caller sees. */
export type OrganizationListQuery = Page & { status?: OrganizationStatus; parentId?: string; visibleTo?: VisibleTo };

/**
 * Persistence port for organisations: domain records in and out, never entities. Statements run in
 * the caller's transaction (Transactions.run) when there is one.
 */
export abstract class OrganizationsRepository {
  abstract insert(org: NewOrganization): Promise<Organization>;
  abstract findById(id: string): Promise<Organization | undefined>;
  /** Reads and row-locks (FOR UPDATE) for a change in this transaction. */
  abstract lock(id: string): Promise<Organization | undefined>;
  abstract update(id: string, patch: Partial<Omit<Organization, 'id' | 'createdAt'>>): Promise<Organization>;
  abstract list(page: OrganizationListQuery): Promise<Organization[]>;
  abstract findByIds(ids: string[]): Promise<Organization[]>;
  /** Ids of every organisation below `id` in the tree (not itself). */
  abstract descendantIds(id: string): Promise<string[]>;
  /** The organisation and its ancestors, nearest first. */
  abstract ancestry(id: string): Promise<Organization[]>;
  abstract activeChildIds(id: string): Promise<string[]>;
  abstract reparentChildren(fromId: string, toId: string): Promise<string[]>;
  /** A merger: the absorbed organisation's staff become staff of the successor. */
  abstract moveOfficials(fromId: string, toId: string): Promise<string[]>;
  abstract insertEvent(e: Omit<OrganizationEvent, 'id'>): Promise<OrganizationEvent>;
  abstract events(organizationId: string): Promise<OrganizationEvent[]>;
}

export const ORGANIZATION_CODE_KEY = 'organization_code_key';

@Injectable()
export class TypeOrmOrganizationsRepository extends OrganizationsRepository {
  constructor(private readonly db: Db) {
    super();
  }

  /** The table, in the caller's transaction when there is one. */
  private get repo(): Repository<OrganizationEntity> {
    return this.db.repository(OrganizationEntity);
  }

  async insert(org: NewOrganization): Promise<Organization> {
    return toOrganization(await this.repo.save(this.repo.create({ ...org, status: 'active' })));
  }

  async findById(id: string): Promise<Organization | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toOrganization(e) : undefined;
  }

  async lock(id: string): Promise<Organization | undefined> {
    const e = await this.repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return e ? toOrganization(e) : undefined;
  }

  async update(id: string, patch: Partial<Omit<Organization, 'id' | 'createdAt'>>): Promise<Organization> {
    await this.repo.update({ id }, patch);
    return (await this.findById(id))!;
  }

  async list(q: OrganizationListQuery): Promise<Organization[]> {
    const where: FindOptionsWhere<OrganizationEntity> = {};
    if (q.status) where.status = q.status;
    if (q.parentId) where.parentId = q.parentId;
    return (await findVisiblePage(this.repo, where, q, 'id')).map(toOrganization);
  }

  async findByIds(ids: string[]): Promise<Organization[]> {
    return ids.length ? (await this.repo.findBy({ id: In(ids) })).map(toOrganization) : [];
  }

  async descendantIds(id: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `WITH RECURSIVE d(id) AS (
         SELECT id FROM registry.organization WHERE parent_id = $1
         UNION SELECT o.id FROM registry.organization o JOIN d ON o.parent_id = d.id)
       SELECT id FROM d`,
      [id],
    );
    return rows.map((r) => r.id);
  }

  async ancestry(id: string): Promise<Organization[]> {
    const rows: { id: string; depth: number }[] = await this.db.query(
      `WITH RECURSIVE a(id, parent_id, depth) AS (
         SELECT id, parent_id, 0 FROM registry.organization WHERE id = $1
         UNION ALL SELECT o.id, o.parent_id, a.depth + 1 FROM registry.organization o JOIN a ON o.id = a.parent_id WHERE a.depth < 64)
       SELECT id, depth FROM a ORDER BY depth`,
      [id],
    );
    const byId = new Map((await this.findByIds(rows.map((r) => r.id))).map((o) => [o.id, o]));
    return rows.map((r) => byId.get(r.id)!);
  }

  async activeChildIds(id: string): Promise<string[]> {
    return (await this.repo.find({ where: { parentId: id, status: 'active' }, select: { id: true } })).map((e) => e.id);
  }

  async reparentChildren(fromId: string, toId: string): Promise<string[]> {
    const rows: { id: string }[][] = await this.db.query(
      'UPDATE registry.organization SET parent_id = $2 WHERE parent_id = $1 RETURNING id',
      [fromId, toId],
    );
    return rows[0].map((r) => r.id);
  }

  /** The clerk role does not move with them: it was granted for the old organisation (issue 11). */
  async moveOfficials(fromId: string, toId: string): Promise<string[]> {
    const rows: { id: string }[][] = await this.db.query(
      "UPDATE registry.official SET organization_id = $2, roles = array_remove(roles, 'clerk') WHERE organization_id = $1 RETURNING id",
      [fromId, toId],
    );
    return rows[0].map((r) => r.id);
  }

  async insertEvent(e: Omit<OrganizationEvent, 'id'>): Promise<OrganizationEvent> {
    const [row]: { id: string }[] = await this.db.query(
      'INSERT INTO registry.organization_event (organization_id, type, details, actor, at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [e.organizationId, e.type, JSON.stringify(e.details), JSON.stringify(e.actor), e.at],
    );
    return { ...e, id: row.id } as OrganizationEvent;
  }

  async events(organizationId: string): Promise<OrganizationEvent[]> {
    const rows: {
      id: string;
      organization_id: string;
      type: OrganizationEventType;
      details: never;
      actor: never;
      at: Date;
    }[] = await this.db.query(
      'SELECT id, organization_id, type, details, actor, at FROM registry.organization_event WHERE organization_id = $1 ORDER BY at, id',
      [organizationId],
    );
    return rows.map(
      (r) =>
        ({
          id: r.id,
          organizationId: r.organization_id,
          type: r.type,
          details: r.details,
          actor: r.actor,
          at: r.at,
        }) as OrganizationEvent,
    );
  }
}

function toOrganization(e: OrganizationEntity): Organization {
  return {
    id: e.id,
    code: e.code,
    name: e.name,
    parentId: e.parentId,
    address: e.address,
    legalEntity: e.legalEntity,
    status: e.status as OrganizationStatus,
    endedAt: e.endedAt,
    successorId: e.successorId,
    createdAt: e.createdAt,
  };
}
