import { Injectable } from '@nestjs/common';
import { Db } from '../shared/transactions';
import type { OwnershipKind } from './ownership';

/**
 * The managing agency of the organisation `idSql` names (a parameter or a column of the enclosing
 * query), as a scalar subquery: walks up the tree to the nearest legal entity; depth-capped against
 * a corrupt cycle. NULL when the organisation does not exist.
 */
export const managingOrganizationSql = (idSql: string): string => `(
  WITH RECURSIVE up AS (
    SELECT id, parent_id, legal_entity, 0 AS depth FROM registry.organization WHERE id = ${idSql}
    UNION ALL
    SELECT o.id, o.parent_id, o.legal_entity, up.depth + 1
      FROM registry.organization o JOIN up ON o.id = up.parent_id
     WHERE NOT up.legal_entity AND up.depth < 64
  )
  SELECT id FROM up WHERE legal_entity ORDER BY depth LIMIT 1)`;

const MANAGING_SQL = `SELECT ${managingOrganizationSql('$1::uuid')} AS id`;

/**
 * The organisations the given ones manage: themselves and their units down to (not into) the next
 * legal entity, which manages its own. Depth-capped like managingOrganizationSql.
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

/** An owned resource's organisation, holder and (for a request) its recorded managing agency. */
export interface OwnerRow {
  organizationId: string;
  holderOfficialId: string | null;
  managing: string | null;
}

/** The organisation tree and resource owners, in SQL (in the caller's transaction when there is one). */
@Injectable()
export class OwnershipRepository {
  constructor(private readonly db: Db) {}

  async managingOrganizationOf(organizationId: string): Promise<string | undefined> {
    const rows: { id: string | null }[] = await this.db.query(MANAGING_SQL, [organizationId]);
    return rows[0]?.id ?? undefined;
  }

  async managedOrganizationIds(managingIds: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(MANAGED_SQL, [managingIds]);
    return rows.map((r) => r.id);
  }

  async organizationOfOfficial(officialId: string): Promise<string | undefined> {
    const rows: { organization_id: string }[] = await this.db.query(
      'SELECT organization_id FROM registry.official WHERE id = $1',
      [officialId],
    );
    return rows[0]?.organization_id;
  }

  async owner(kind: OwnershipKind, id: string): Promise<OwnerRow | undefined> {
    const rows: OwnerRow[] = await this.db.query(OWNER_SQL[kind], [id]);
    return rows[0];
  }
}
