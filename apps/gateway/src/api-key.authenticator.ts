import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { apiKeyPrefix, hashApiKey, sameHash } from './api-keys';

/** The caller behind a valid key, as the rest of the gateway sees it. */
export interface ApiCaller {
  keyId: string;
  name: string;
  scopes: string[];
  organizationIds: string[];
}

export type AuthResult =
  { ok: true; caller: ApiCaller } | { ok: false; reason: 'MISSING' | 'MALFORMED' | 'UNKNOWN' | 'EXPIRED' | 'REVOKED' };

/** Persistence port for key lookup. */
export abstract class ApiKeyStore {
  abstract findByPrefix(prefix: string): Promise<ApiKeyEntity | undefined>;
  abstract touch(id: string, at: Date): Promise<void>;
}

export class TypeOrmApiKeyStore extends ApiKeyStore {
  constructor(private readonly ds: DataSource) {
    super();
  }

  async findByPrefix(prefix: string): Promise<ApiKeyEntity | undefined> {
    return (await this.ds.getRepository(ApiKeyEntity).findOneBy({ prefix })) ?? undefined;
  }

  /** At most one write per key and minute: last_used_at is for operators, not an audit trail. */
  async touch(id: string, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE gateway.api_key SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, at],
    );
  }
}

/** Turns an Authorization header into a caller, or says why not. */
export class ApiKeyAuthenticator {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthResult> {
    if (!authorization) return { ok: false, reason: 'MISSING' };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const key = m?.[1];
    const prefix = key && apiKeyPrefix(key);
    if (!key || !prefix) return { ok: false, reason: 'MALFORMED' };
    const row = await this.store.findByPrefix(prefix);
    if (!row || !sameHash(row.hash, hashApiKey(key))) return { ok: false, reason: 'UNKNOWN' };
    const now = this.clock();
    if (row.revokedAt && row.revokedAt <= now) return { ok: false, reason: 'REVOKED' };
    if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: 'EXPIRED' };
    this.store.touch(row.id, now).catch(() => undefined);
    return {
      ok: true,
      caller: { keyId: row.id, name: row.name, scopes: row.scopes, organizationIds: row.organizationIds },
    };
  }
}
