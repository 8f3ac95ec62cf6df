import { Injectable } from '@nestjs/common';
import { notFound } from '@kyso/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '@kyso/common';
import { Ownership, OwnershipKind } from './ownership';
import type { VisibleTo } from './visibility';

/** Walks up the organisation tree to the nearest legal entity; depth-capped against a corrupt cycle. */
const MANAGING_SQL = `
  WITH RECURSIVE up AS (
    SELECT id, parent_id, legal_entity, 0 AS depth FROM registry.organization WHERE id = $1
    UNION ALL
    SELECT o.id, o.parent_id, o.legal_entity, up.depth + 1
      FROM registry.organization o JOIN up ON o.id = up.parent_id
     WHERE NOT up.legal_entity AND up.depth < 64
  )
  SELECT id FROM up WHERE legal_entity ORDER BY depth LIMIT 1`;

/**
 * The organisations the given ones manage: themselves and their units down to (not into) the next
 * legal entity, which manages its own. Depth-capped like MANAGING_SQL.
 */
const MANAGED_SQL = `
  WITH RECURSIVE down AS (
    SELECT id, 0 AS depth FROM registry.organization WHERE id = ANY ($1::uuid[])
    UNION
    SELECT o.id, d.depth + 1 FROM registry.organization o JOIN down d ON o.parent_id = d.id
     WHERE NOT o.legal_entity AND d.depth < 64
  )
  SELECT DISTINCT id FROM down`;

const OWNER_SQL: Record<OwnershipKind, string> = {
  organization:
    'SELECT id AS "organizationId", NULL::uuid AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.organization WHERE id = $1',
  official:
    'SELECT organization_id AS "organizationId", id AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.official WHERE id = $1',
  certificate:
    'SELECT organization_id AS "organizationId", holder_official_id AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.certificate WHERE id = $1',
  device:
    'SELECT organization_id AS "organizationId", holder_official_id AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.key_device WHERE id = $1',
  request: `SELECT r.organization_id AS "organizationId", COALESCE(r.official_id, c.holder_official_id) AS "holderOfficialId",
                   r.managing_organization_id AS "managing"
              FROM registry.lifecycle_request r LEFT JOIN registry.certificate c ON c.id = r.certificate_id WHERE r.id = $1`,
};

@Injectable()
export class OwnershipService {
  constructor(private readonly db: DataSource) {}

  /**
   * The directly managing agency of an organisation (Decree 68): itself when it is a legal entity,
   * else its nearest legal-entity ancestor; an organisation with none is its own manager.
   */
  async managingOrganizationOf(organizationId: string, manager: EntityManager = this.db.manager): Promise<string> {
    const rows: { id: string }[] = await manager.query(MANAGING_SQL, [organizationId]);
    return rows[0]?.id ?? organizationId;
  }

  /**
   * What a caller's lists show (shared design): everything for an admin or a Kyso service; else
   * the resources managed by the organisations of its staff roles (a system: those it serves), and
   * for an `official` operator their own records. Undefined: everything.
   */
  async visibleTo(caller: Caller): Promise<VisibleTo | undefined> {
    if (caller.kind === 'service') return undefined;
    if (caller.kind === 'operator' && caller.roles.some((g) => g.role === 'admin' && g.organizationId === null))
      return undefined;
    const managing =
      caller.kind === 'system'
        ? caller.organizationIds
        : caller.roles
            .filter((g) => g.role !== 'official' && g.organizationId !== null)
            .map((g) => g.organizationId as string);
    const officialId =
      caller.kind === 'operator' && caller.roles.some((g) => g.role === 'official') ? caller.officialId : null;
    return { organizationIds: await this.managedOrganizationIds(managing), officialId };
  }

  /** The organisations (ids) managed by `managingIds`: see MANAGED_SQL. */
  async managedOrganizationIds(managingIds: string[]): Promise<string[]> {
    const valid = [...new Set(managingIds.map((x) => x.toLowerCase()))].filter((x) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(x),
    );
    if (!valid.length) return [];
    const rows: { id: string }[] = await this.db.query(MANAGED_SQL, [valid]);
    return rows.map((r) => r.id);
  }

  /** The organisation an official belongs to (for an official's own view of the organisations list). */
  async organizationOfOfficial(officialId: string): Promise<string | undefined> {
    const rows: { organization_id: string }[] = await this.db.query(
      'SELECT organization_id FROM registry.official WHERE id = $1',
      [officialId],
    );
    return rows[0]?.organization_id;
  }

  async find(kind: OwnershipKind, id: string): Promise<Ownership | undefined> {
    const rows: { organizationId: string; holderOfficialId: string | null; managing: string | null }[] =
      await this.db.query(OWNER_SQL[kind], [id]);
    const row = rows[0];
    if (!row) return undefined;
    const managingOrganizationId = row.managing ?? (await this.managingOrganizationOf(row.organizationId));
    return {
      kind,
      id,
      organizationId: row.organizationId,
      managingOrganizationId,
      holderOfficialId: row.holderOfficialId,
    };
  }

  async get(kind: OwnershipKind, id: string): Promise<Ownership> {
    const o = await this.find(kind, id);
    if (!o) throw notFound(`${kind.toUpperCase()}_NOT_FOUND`, `No ${kind} ${id}`);
    return o;
  }
}
