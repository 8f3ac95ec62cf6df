import type { DataSource } from 'typeorm';
import { badRequest, conflict, notFound } from '@kyso/common';
import { ApiKeyEntity } from '../api-key.entity';
import { createApiKey, CreatedApiKey, isScope, Scope, SCOPES } from '../api-keys';

/** An API key as the admin endpoints show it: never the key or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  organizationIds: string[];
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  replacedBy: string | null;
  status: 'active' | 'expired' | 'revoked';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseNewKey(body: Record<string, unknown>): {
  name: string;
  scopes: Scope[];
  organizationIds: string[];
  expiresAt?: Date;
} {
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!name) throw badRequest('MISSING_FIELD', 'name is required', { field: 'name' });
  const scopes = Array.isArray(body.scopes) ? body.scopes : [];
  if (!scopes.length)
    throw badRequest('MISSING_FIELD', `scopes is required: a non-empty list of ${SCOPES.join(', ')}`, {
      field: 'scopes',
    });
  const bad = scopes.filter((s) => typeof s !== 'string' || !isScope(s));
  if (bad.length) throw badRequest('INVALID_SCOPE', `Unknown scope(s): ${bad.join(', ')}; known: ${SCOPES.join(', ')}`);
  const orgs = body.organizationIds === undefined ? [] : body.organizationIds;
  if (!Array.isArray(orgs) || orgs.some((o) => typeof o !== 'string' || !UUID.test(o)))
    throw badRequest('INVALID_FIELD', 'organizationIds must be a list of UUIDs', { field: 'organizationIds' });
  return {
    name,
    scopes: scopes as Scope[],
    organizationIds: orgs as string[],
    expiresAt: optionalDate(body.expiresAt, 'expiresAt'),
  };
}

export function optionalDate(v: unknown, field: string): Date | undefined {
  if (v === undefined || v === null) return undefined;
  const d = typeof v === 'string' ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw badRequest('INVALID_FIELD', `${field} must be an ISO-8601 date-time`, { field });
  return d;
}

/** Admin management of system API keys: create (key shown once), list, get, rotate with overlap, revoke. */
export class ApiKeyAdmin {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  create(body: Record<string, unknown>, createdBy: string): Promise<CreatedApiKey & { organizationIds: string[] }> {
    const input = parseNewKey(body);
    if (input.expiresAt && input.expiresAt <= this.clock())
      throw badRequest('INVALID_FIELD', 'expiresAt must be in the future', { field: 'expiresAt' });
    return createApiKey(this.ds, { ...input, createdBy }).then((k) => ({
      ...k,
      organizationIds: input.organizationIds,
    }));
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.repo().find({ order: { createdAt: 'DESC' } })).map((r) => this.view(r));
  }

  async get(id: string): Promise<ApiKeyView> {
    return this.view(await this.row(id));
  }

  /**
   * A new key with the same name, scopes and organisations; the old one keeps working until
   * `overlapUntil` (default: now, i.e. no overlap) so the system can switch without downtime.
   */
  async rotate(
    id: string,
    body: Record<string, unknown>,
    by: string,
  ): Promise<CreatedApiKey & { replaces: string; oldKeyValidUntil: Date }> {
    const old = await this.row(id);
    const now = this.clock();
    if (this.view(old).status !== 'active') throw conflict('API_KEY_NOT_ACTIVE', 'Only an active key can be rotated.');
    if (old.replacedBy)
      throw conflict('API_KEY_ALREADY_ROTATED', `This key was already rotated; its successor is ${old.replacedBy}.`);
    const overlapUntil = optionalDate(body.overlapUntil, 'overlapUntil') ?? now;
    if (overlapUntil < now)
      throw badRequest('INVALID_FIELD', 'overlapUntil must not be in the past', { field: 'overlapUntil' });
    const expiresAt = optionalDate(body.expiresAt, 'expiresAt') ?? old.expiresAt ?? undefined;
    const oldValidUntil = old.expiresAt && old.expiresAt < overlapUntil ? old.expiresAt : overlapUntil;
    return this.ds.transaction(async (m) => {
      const created = await createApiKey(
        m.connection,
        {
          name: old.name,
          scopes: old.scopes as Scope[],
          organizationIds: old.organizationIds,
          expiresAt,
          createdBy: by,
        },
        m,
      );
      await m.getRepository(ApiKeyEntity).update({ id: old.id }, { replacedBy: created.id, expiresAt: oldValidUntil });
      return { ...created, replaces: old.id, oldKeyValidUntil: oldValidUntil };
    });
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const row = await this.row(id);
    if (!row.revokedAt) {
      row.revokedAt = this.clock();
      await this.repo().update({ id }, { revokedAt: row.revokedAt });
    }
    return this.view(row);
  }

  private repo() {
    return this.ds.getRepository(ApiKeyEntity);
  }

  private async row(id: string): Promise<ApiKeyEntity> {
    const row = UUID.test(id) ? await this.repo().findOneBy({ id }) : null;
    if (!row) throw notFound('API_KEY_NOT_FOUND', `No API key ${id}`);
    return row;
  }

  private view(r: ApiKeyEntity): ApiKeyView {
    const now = this.clock();
    const status =
      r.revokedAt && r.revokedAt <= now ? 'revoked' : r.expiresAt && r.expiresAt <= now ? 'expired' : 'active';
    return {
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      scopes: r.scopes,
      organizationIds: r.organizationIds,
      createdAt: r.createdAt,
      createdBy: r.createdBy ?? null,
      expiresAt: r.expiresAt,
      revokedAt: r.revokedAt,
      lastUsedAt: r.lastUsedAt,
      replacedBy: r.replacedBy ?? null,
      status,
    };
  }
}
