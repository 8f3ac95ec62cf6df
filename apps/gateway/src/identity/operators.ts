import type { DataSource } from 'typeorm';
import { badRequest, conflict, notFound, Role, RoleGrant, ROLES } from '@kyso/common';
import { hashPassword, passwordProblem } from './passwords';

export interface Operator {
  id: string;
  username: string;
  displayName: string;
  officialId: string | null;
  roles: RoleGrant[];
  lockedUntil: Date | null;
  disabled: boolean;
  createdAt: Date;
}

export interface OperatorRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  official_id: string | null;
  failed_logins: number;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: Date;
}

export interface NewOperator {
  username: string;
  displayName?: string;
  password: string;
  officialId?: string | null;
  roles?: RoleGrant[];
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkGrant(g: unknown): RoleGrant {
  const grant = g as Partial<RoleGrant>;
  if (!grant || !ROLES.includes(grant.role as Role))
    throw badRequest('INVALID_ROLE', `role must be one of ${ROLES.join(', ')}`);
  const org = grant.organizationId ?? null;
  if (grant.role === 'admin' && org !== null)
    throw badRequest('INVALID_ROLE', 'admin is province-wide: organizationId must be null');
  if (grant.role !== 'admin' && (typeof org !== 'string' || !UUID.test(org)))
    throw badRequest('INVALID_ROLE', `${grant.role} is held in one organisation: organizationId must be a UUID`);
  return { role: grant.role as Role, organizationId: org };
}

/** Operator accounts and their role grants (gateway schema). */
export class Operators {
  constructor(private readonly ds: DataSource) {}

  async create(input: NewOperator, grantedBy: string): Promise<Operator> {
    const username = String(input.username ?? '')
      .trim()
      .toLowerCase();
    if (!USERNAME.test(username))
      throw badRequest('INVALID_USERNAME', 'username: 3-64 of a-z 0-9 . _ -, starting with a letter or digit');
    const weak = passwordProblem(input.password);
    if (weak) throw badRequest('WEAK_PASSWORD', weak);
    if (input.officialId != null && !UUID.test(input.officialId))
      throw badRequest('INVALID_FIELD', 'officialId must be a UUID');
    const grants = (input.roles ?? []).map(checkGrant);
    if (grants.some((g) => g.role === 'official') && !input.officialId)
      throw badRequest('OFFICIAL_REQUIRED', 'The official role needs the account linked to an official (officialId)');
    const hash = await hashPassword(input.password);
    return this.ds.transaction(async (m) => {
      const existing = await m.query('SELECT 1 FROM gateway.operator WHERE username = $1', [username]);
      if (existing.length) throw conflict('USERNAME_TAKEN', `An operator "${username}" exists already`);
      const [row]: OperatorRow[] = await m.query(
        'INSERT INTO gateway.operator (username, display_name, password_hash, official_id) VALUES ($1, $2, $3, $4) RETURNING *',
        [username, input.displayName?.trim() || username, hash, input.officialId ?? null],
      );
      for (const g of grants) {
        await m.query(
          'INSERT INTO gateway.operator_role (operator_id, role, organization_id, granted_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [row.id, g.role, g.organizationId, grantedBy],
        );
      }
      return toOperator(row, grants);
    });
  }

  async list(): Promise<Operator[]> {
    const rows: OperatorRow[] = await this.ds.query('SELECT * FROM gateway.operator ORDER BY username');
    const grants = await this.grantsOf(rows.map((r) => r.id));
    return rows.map((r) => toOperator(r, grants.get(r.id) ?? []));
  }

  async get(id: string): Promise<Operator> {
    const row = UUID.test(id)
      ? (await this.ds.query('SELECT * FROM gateway.operator WHERE id = $1', [id]))[0]
      : undefined;
    if (!row) throw notFound('OPERATOR_NOT_FOUND', `No operator ${id}`);
    return toOperator(row, (await this.grantsOf([id])).get(id) ?? []);
  }

  async byUsername(username: string): Promise<OperatorRow | undefined> {
    return (
      await this.ds.query('SELECT * FROM gateway.operator WHERE username = $1', [username.trim().toLowerCase()])
    )[0];
  }

  async grant(id: string, grant: unknown, grantedBy: string): Promise<Operator> {
    const g = checkGrant(grant);
    const op = await this.get(id);
    if (g.role === 'official' && !op.officialId)
      throw badRequest('OFFICIAL_REQUIRED', 'The official role needs the account linked to an official (officialId)');
    await this.ds.query(
      'INSERT INTO gateway.operator_role (operator_id, role, organization_id, granted_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [id, g.role, g.organizationId, grantedBy],
    );
    return this.get(id);
  }

  async revokeGrant(id: string, grant: unknown): Promise<Operator> {
    const g = checkGrant(grant);
    await this.get(id);
    await this.ds.query(
      'DELETE FROM gateway.operator_role WHERE operator_id = $1 AND role = $2 AND organization_id IS NOT DISTINCT FROM $3',
      [id, g.role, g.organizationId],
    );
    return this.get(id);
  }

  async grantsOf(ids: string[]): Promise<Map<string, RoleGrant[]>> {
    const out = new Map<string, RoleGrant[]>();
    if (!ids.length) return out;
    const rows: { operator_id: string; role: Role; organization_id: string | null }[] = await this.ds.query(
      'SELECT operator_id, role, organization_id FROM gateway.operator_role WHERE operator_id = ANY($1) ORDER BY granted_at',
      [ids],
    );
    for (const r of rows)
      out.set(r.operator_id, [...(out.get(r.operator_id) ?? []), { role: r.role, organizationId: r.organization_id }]);
    return out;
  }
}

export function toOperator(r: OperatorRow, roles: RoleGrant[]): Operator {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    officialId: r.official_id,
    roles,
    lockedUntil: r.locked_until,
    disabled: !!r.disabled_at,
    createdAt: r.created_at,
  };
}
