import { Injectable } from '@nestjs/common';
import { notFound } from '@kyso/common';
import { DataSource, EntityManager } from 'typeorm';
import { Ownership, OwnershipKind } from './ownership';

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

const OWNER_SQL: Record<OwnershipKind, string> = {
  organization: 'SELECT id AS "organizationId", NULL::uuid AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.organization WHERE id = $1',
  official: 'SELECT organization_id AS "organizationId", id AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.official WHERE id = $1',
  certificate: 'SELECT organization_id AS "organizationId", holder_official_id AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.certificate WHERE id = $1',
  device: 'SELECT organization_id AS "organizationId", holder_official_id AS "holderOfficialId", NULL::uuid AS "managing" FROM registry.key_device WHERE id = $1',
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

  async find(kind: OwnershipKind, id: string): Promise<Ownership | undefined> {
    const rows: { organizationId: string; holderOfficialId: string | null; managing: string | null }[] = await this.db.query(OWNER_SQL[kind], [id]);
    const row = rows[0];
    if (!row) return undefined;
    const managingOrganizationId = row.managing ?? (await this.managingOrganizationOf(row.organizationId));
    return { kind, id, organizationId: row.organizationId, managingOrganizationId, holderOfficialId: row.holderOfficialId };
  }

  async get(kind: OwnershipKind, id: string): Promise<Ownership> {
    const o = await this.find(kind, id);
    if (!o) throw notFound(`${kind.toUpperCase()}_NOT_FOUND`, `No ${kind} ${id}`);
    return o;
  }
}
