import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role, RoleGrant } from '@kyso/common';

/** An operator account as stored (the password hash included: it never leaves the gateway). */
export interface OperatorRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  officialId: string | null;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface NewOperatorRecord {
  username: string;
  displayName: string;
  passwordHash: string;
  officialId: string | null;
}

/** Persistence port for operator accounts, and their role grants. */
export abstract class OperatorsRepository {
  /** Inserts the account and its grants in one transaction; undefined when the username is taken. */
  abstract create(op: NewOperatorRecord, grants: RoleGrant[], grantedBy: string): Promise<OperatorRecord | undefined>;
  abstract list(): Promise<OperatorRecord[]>;
  abstract findById(id: string): Promise<OperatorRecord | undefined>;
  abstract findByUsername(username: string): Promise<OperatorRecord | undefined>;
  abstract addGrant(id: string, grant: RoleGrant, grantedBy: string): Promise<void>;
  abstract removeGrant(id: string, grant: RoleGrant): Promise<void>;
  abstract grantsOf(ids: string[]): Promise<Map<string, RoleGrant[]>>;
}

interface Row {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  official_id: string | null;
  disabled_at: Date | null;
  created_at: Date;
}

const toRecord = (r: Row): OperatorRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  officialId: r.official_id,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
});

/** TypeORM answers UPDATE ... RETURNING with [rows, count]; other statements with rows. */
export async function returnedRows<T>(q: Pick<DataSource, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const raw = await q.query(sql, params);
  return (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) ? raw[0] : raw) as T[];
}

const INSERT_GRANT =
  'INSERT INTO gateway.operator_role (operator_id, role, organization_id, granted_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING';

/** gateway.operator and gateway.operator_role in SQL. */
@Injectable()
export class PgOperatorsRepository extends OperatorsRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  create(op: NewOperatorRecord, grants: RoleGrant[], grantedBy: string): Promise<OperatorRecord | undefined> {
    return this.db.transaction(async (m: EntityManager) => {
      const existing = await m.query('SELECT 1 FROM gateway.operator WHERE username = $1', [op.username]);
      if (existing.length) return undefined;
      const [row]: Row[] = await m.query(
        'INSERT INTO gateway.operator (username, display_name, password_hash, official_id) VALUES ($1, $2, $3, $4) RETURNING *',
        [op.username, op.displayName, op.passwordHash, op.officialId],
      );
      for (const g of grants) await m.query(INSERT_GRANT, [row.id, g.role, g.organizationId, grantedBy]);
      return toRecord(row);
    });
  }

  async list(): Promise<OperatorRecord[]> {
    const rows: Row[] = await this.db.query('SELECT * FROM gateway.operator ORDER BY username');
    return rows.map(toRecord);
  }

  async findById(id: string): Promise<OperatorRecord | undefined> {
    const [row]: Row[] = await this.db.query('SELECT * FROM gateway.operator WHERE id = $1', [id]);
    return row && toRecord(row);
  }

  async findByUsername(username: string): Promise<OperatorRecord | undefined> {
    const [row]: Row[] = await this.db.query('SELECT * FROM gateway.operator WHERE username = $1', [username]);
    return row && toRecord(row);
  }

  async addGrant(id: string, g: RoleGrant, grantedBy: string): Promise<void> {
    await this.db.query(INSERT_GRANT, [id, g.role, g.organizationId, grantedBy]);
  }

  async removeGrant(id: string, g: RoleGrant): Promise<void> {
    await this.db.query(
      'DELETE FROM gateway.operator_role WHERE operator_id = $1 AND role = $2 AND organization_id IS NOT DISTINCT FROM $3',
      [id, g.role, g.organizationId],
    );
  }

  async grantsOf(ids: string[]): Promise<Map<string, RoleGrant[]>> {
    const out = new Map<string, RoleGrant[]>();
    if (!ids.length) return out;
    const rows: { operator_id: string; role: Role; organization_id: string | null }[] = await this.db.query(
      'SELECT operator_id, role, organization_id FROM gateway.operator_role WHERE operator_id = ANY($1) ORDER BY granted_at',
      [ids],
    );
    for (const r of rows)
      out.set(r.operator_id, [...(out.get(r.operator_id) ?? []), { role: r.role, organizationId: r.organization_id }]);
    return out;
  }
}
