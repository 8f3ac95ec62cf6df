import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound, Role, RoleGrant, ROLES } from '@kyso/common';
import { OperatorRecord, OperatorsRepository } from './operators.repository';
import { hashPassword, passwordProblem } from './passwords';

export interface Operator {
  id: string;
  username: string;
  displayName: string;
  officialId: string | null;
  roles: RoleGrant[];
  disabled: boolean;
  createdAt: Date;
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

/** Operator accounts and their role grants. */
@Injectable()
export class Operators {
  constructor(private readonly repo: OperatorsRepository) {}

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
    const row = await this.repo.create(
      {
        username,
        displayName: input.displayName?.trim() || username,
        passwordHash: hash,
        officialId: input.officialId ?? null,
      },
      grants,
      grantedBy,
    );
    if (!row) throw conflict('USERNAME_TAKEN', `An operator "${username}" exists already`);
    return toOperator(row, grants);
  }

  async list(): Promise<Operator[]> {
    const rows = await this.repo.list();
    const grants = await this.grantsOf(rows.map((r) => r.id));
    return rows.map((r) => toOperator(r, grants.get(r.id) ?? []));
  }

  async get(id: string): Promise<Operator> {
    const row = UUID.test(id) ? await this.repo.findById(id) : undefined;
    if (!row) throw notFound('OPERATOR_NOT_FOUND', `No operator ${id}`);
    return toOperator(row, (await this.grantsOf([id])).get(id) ?? []);
  }

  byUsername(username: string): Promise<OperatorRecord | undefined> {
    return this.repo.findByUsername(username.trim().toLowerCase());
  }

  async grant(id: string, grant: unknown, grantedBy: string): Promise<Operator> {
    const g = checkGrant(grant);
    const op = await this.get(id);
    if (g.role === 'official' && !op.officialId)
      throw badRequest('OFFICIAL_REQUIRED', 'The official role needs the account linked to an official (officialId)');
    await this.repo.addGrant(id, g, grantedBy);
    return this.get(id);
  }

  async revokeGrant(id: string, grant: unknown): Promise<Operator> {
    const g = checkGrant(grant);
    await this.get(id);
    await this.repo.removeGrant(id, g);
    return this.get(id);
  }

  grantsOf(ids: string[]): Promise<Map<string, RoleGrant[]>> {
    return this.repo.grantsOf(ids);
  }
}

export function toOperator(r: OperatorRecord, roles: RoleGrant[]): Operator {
  return {
    id: r.id,
    username: r.username,
    displayName: r.displayName,
    officialId: r.officialId,
    roles,
    disabled: !!r.disabledAt,
    createdAt: r.createdAt,
  };
}
