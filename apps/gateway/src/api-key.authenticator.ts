import { Injectable } from '@nestjs/common';
import { Clock } from '@kyso/common';
import { apiKeyPrefix, hashApiKey, sameHash } from './api-keys';
import { ApiKeyStore } from './api-keys.repository';

/** The caller behind a valid key, as the rest of the gateway sees it. */
export interface ApiCaller {
  keyId: string;
  name: string;
  scopes: string[];
  organizationIds: string[];
  /** Whether the key has a webhook secret (callbacks can be signed). */
  webhooks: boolean;
}

export type AuthResult =
  { ok: true; caller: ApiCaller } | { ok: false; reason: 'MISSING' | 'MALFORMED' | 'UNKNOWN' | 'EXPIRED' | 'REVOKED' };

/** last_used_at has a minute's resolution (the repository writes at most once a minute). */
const TOUCH_EVERY_MS = 60_000;
/** Keys whose last touch is remembered; beyond it, the oldest are forgotten (and touched again). */
const TOUCHED_KEYS = 10_000;

/** Turns an Authorization header into a caller, or says why not. */
@Injectable()
export class ApiKeyAuthenticator {
  /** When this process last recorded each key's use: no database round trip per request for it. */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly clock: Clock,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthResult> {
    if (!authorization) return { ok: false, reason: 'MISSING' };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const key = m?.[1];
    const prefix = key && apiKeyPrefix(key);
    if (!key || !prefix) return { ok: false, reason: 'MALFORMED' };
    const row = await this.store.findByPrefix(prefix);
    if (!row || !sameHash(row.hash, hashApiKey(key))) return { ok: false, reason: 'UNKNOWN' };
    const now = this.clock.now();
    if (row.revokedAt && row.revokedAt <= now) return { ok: false, reason: 'REVOKED' };
    if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: 'EXPIRED' };
    this.touch(row.id, now);
    return {
      ok: true,
      caller: {
        keyId: row.id,
        name: row.name,
        scopes: row.scopes,
        organizationIds: row.organizationIds,
        webhooks: row.webhookSecret !== null,
      },
    };
  }

  private touch(id: string, now: Date): void {
    const last = this.touched.get(id);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    this.touched.delete(id);
    this.touched.set(id, now.getTime());
    if (this.touched.size > TOUCHED_KEYS) this.touched.delete(this.touched.keys().next().value as string);
    this.store.touch(id, now).catch(() => undefined);
  }
}
