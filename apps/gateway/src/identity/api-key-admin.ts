import { Inject, Injectable, Optional } from '@nestjs/common';
import { badRequest, Clock, conflict, notFound } from '@kyso/common';
import { ApiKeyAuthenticator } from '../api-key.authenticator';
import { CreatedApiKey, isScope, issueApiKey, Scope, SCOPES } from '../api-keys';
import { ApiKeyRecord, ApiKeysRepository } from '../api-keys.repository';
import { generateWebhookSecret, SecretBox } from '../webhooks/secret-box';

/** The sealing box of webhook secrets; null when KYSO_WEBHOOK_SECRET_KEY is not set. */
export const WEBHOOK_SECRET_BOX = Symbol('WEBHOOK_SECRET_BOX');

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
  /** Whether webhooks to this system can be signed (the secret itself is shown only once). */
  hasWebhookSecret: boolean;
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

/**
 * Admin management of system API keys: create (key and webhook secret shown once), list, get,
 * rotate with overlap, revoke, and rotate the webhook secret.
 */
@Injectable()
export class ApiKeyAdmin {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
    @Inject(WEBHOOK_SECRET_BOX) private readonly box: SecretBox | null,
    /** This process's authenticator (none in the CLI): changes here must not wait for its cache. */
    @Optional() private readonly authenticator?: ApiKeyAuthenticator,
  ) {}

  create(body: Record<string, unknown>, createdBy: string): Promise<CreatedApiKey & { organizationIds: string[] }> {
    const input = parseNewKey(body);
    if (input.expiresAt && input.expiresAt <= this.clock.now())
      throw badRequest('INVALID_FIELD', 'expiresAt must be in the future', { field: 'expiresAt' });
    return issueApiKey(this.keys, { ...input, createdBy }, this.box ?? undefined).then((k) => ({
      ...k,
      organizationIds: input.organizationIds,
    }));
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map((r) => this.view(r));
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
    const now = this.clock.now();
    if (this.view(old).status !== 'active') throw conflict('API_KEY_NOT_ACTIVE', 'Only an active key can be rotated.');
    if (old.replacedBy)
      throw conflict('API_KEY_ALREADY_ROTATED', `This key was already rotated; its successor is ${old.replacedBy}.`);
    const overlapUntil = optionalDate(body.overlapUntil, 'overlapUntil') ?? now;
    if (overlapUntil < now)
      throw badRequest('INVALID_FIELD', 'overlapUntil must not be in the past', { field: 'overlapUntil' });
    const expiresAt = optionalDate(body.expiresAt, 'expiresAt') ?? old.expiresAt ?? undefined;
    const oldValidUntil = old.expiresAt && old.expiresAt < overlapUntil ? old.expiresAt : overlapUntil;
    const rotated = await this.keys.transaction(async (keys) => {
      const created = await issueApiKey(keys, {
        name: old.name,
        scopes: old.scopes as Scope[],
        organizationIds: old.organizationIds,
        expiresAt,
        createdBy: by,
      });
      // The system keeps its webhook secret: rotating the credential it calls with should not also
      // break its receiver (the secret has its own rotation).
      if (old.webhookSecret && this.box)
        await keys.update(created.id, {
          webhookSecret: this.box.seal(this.box.open(old.webhookSecret, old.id), created.id),
        });
      await keys.update(old.id, { replacedBy: created.id, expiresAt: oldValidUntil });
      return { ...created, replaces: old.id, oldKeyValidUntil: oldValidUntil };
    });
    // After the commit: a request in between would remember the old row again.
    this.authenticator?.forget(old.id);
    return rotated;
  }

  /**
   * A new webhook secret for an active key (also the way to give one to a key made before
   * webhooks): the answer shows it once; from now on deliveries are signed with it only.
   */
  async rotateWebhookSecret(id: string): Promise<{ id: string; webhookSecret: string }> {
    const row = await this.row(id);
    // The installation's state, not a passing outage: retrying does not help (so not a 503).
    if (!this.box)
      throw conflict('WEBHOOKS_NOT_CONFIGURED', 'Webhooks are not configured here (KYSO_WEBHOOK_SECRET_KEY).');
    if (this.view(row).status !== 'active')
      throw conflict('API_KEY_NOT_ACTIVE', 'Only an active key gets a webhook secret.');
    const webhookSecret = generateWebhookSecret();
    await this.keys.update(id, { webhookSecret: this.box.seal(webhookSecret, id) });
    this.authenticator?.forget(id);
    return { id, webhookSecret };
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const row = await this.row(id);
    if (!row.revokedAt) {
      row.revokedAt = this.clock.now();
      await this.keys.update(id, { revokedAt: row.revokedAt });
    }
    this.authenticator?.forget(id);
    return this.view(row);
  }

  private async row(id: string): Promise<ApiKeyRecord> {
    const row = UUID.test(id) ? await this.keys.findById(id) : undefined;
    if (!row) throw notFound('API_KEY_NOT_FOUND', `No API key ${id}`);
    return row;
  }

  private view(r: ApiKeyRecord): ApiKeyView {
    const now = this.clock.now();
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
      hasWebhookSecret: r.webhookSecret !== null,
      status,
    };
  }
}
