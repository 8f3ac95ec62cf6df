import { Injectable } from '@nestjs/common';
import { Clock } from '@kyso/common';
import { apiKeyPrefix, hashApiKey, sameHash } from './api-keys';
import { ApiKeyRecord, ApiKeyStore } from './api-keys.repository';

/**
 * The caller behind a valid key, as the rest of the gateway sees it. Frozen, and the same object for
 * every request while the key's row is remembered: what is derived from it (the forwarded caller
 * header) can be kept with it, and goes with it when the row is forgotten or expires.
 */
export interface ApiCaller {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly organizationIds: readonly string[];
  /** Whether the key has a webhook secret (callbacks can be signed). */
  readonly webhooks: boolean;
}

/** A key's row whose hash matched, with its caller built once. */
interface Verified {
  row: ApiKeyRecord;
  caller: ApiCaller;
}

export type AuthResult =
  { ok: true; caller: ApiCaller } | { ok: false; reason: 'MISSING' | 'MALFORMED' | 'UNKNOWN' | 'EXPIRED' | 'REVOKED' };

/** last_used_at has a minute's resolution (the repository writes at most once a minute). */
const TOUCH_EVERY_MS = 60_000;
/** Keys whose last touch is remembered; beyond it, the oldest are forgotten (and touched again). */
const TOUCHED_KEYS = 10_000;
/**
 * How long a verified key's row is reused without asking the database (issue 12.5: the lookup was
 * most of the gateway's CPU per request). A revocation or rotation made through this process's
 * admin API takes effect at once (forget); one made elsewhere (another gateway instance, the CLI)
 * within this bound. Expiry and a scheduled revocation are checked on every request.
 */
export const VERIFIED_KEY_TTL_MS = 5_000;
/** Verified keys remembered at most; only keys whose hash matched get in, so guessing cannot fill it. */
const VERIFIED_KEYS = 10_000;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Turns an Authorization header into a caller, or says why not. */
@Injectable()
export class ApiKeyAuthenticator {
  /** When this process last recorded each key's use: no database round trip per request for it. */
  private readonly touched = new Map<string, number>();
  /** Verified rows by the SHA-256 of the presented key (never the key itself). */
  private readonly verified = new Map<string, Verified & { until: number }>();
  /** Lookups under way by key hash: the burst of requests that finds an entry expired asks once. */
  private readonly pending = new Map<string, Promise<Verified | undefined>>();
  /** Counts forget() calls: a lookup that started before one does not remember what it read. */
  private generation = 0;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly clock: Clock,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthResult> {
    if (!authorization) return { ok: false, reason: 'MISSING' };
    const key = BEARER.exec(authorization)?.[1];
    const prefix = key && apiKeyPrefix(key);
    if (!key || !prefix) return { ok: false, reason: 'MALFORMED' };
    const now = this.clock.now();
    const found = await this.find(key, prefix, now.getTime());
    if (!found) return { ok: false, reason: 'UNKNOWN' };
    const { row, caller } = found;
    if (row.revokedAt && row.revokedAt <= now) return { ok: false, reason: 'REVOKED' };
    if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: 'EXPIRED' };
    this.touch(row.id, now);
    return { ok: true, caller };
  }

  /** Drops a key's remembered row: its revocation, rotation or new webhook secret applies to the next request. */
  forget(id: string): void {
    this.generation++;
    for (const [hash, v] of this.verified) if (v.row.id === id) this.verified.delete(hash);
  }

  /** The row of a key whose hash matches, from memory while fresh (no promise of its own), else from the store. */
  private find(key: string, prefix: string, nowMs: number): Verified | Promise<Verified | undefined> {
    const hash = hashApiKey(key);
    const hit = this.verified.get(hash);
    if (hit && hit.until > nowMs) return hit;
    this.verified.delete(hash);
    let lookup = this.pending.get(hash);
    if (!lookup) {
      lookup = this.lookup(hash, prefix, nowMs).finally(() => this.pending.delete(hash));
      this.pending.set(hash, lookup);
    }
    return lookup;
  }

  private async lookup(hash: string, prefix: string, nowMs: number): Promise<Verified | undefined> {
    const generation = this.generation;
    const row = await this.store.findByPrefix(prefix);
    if (!row || !sameHash(row.hash, hash)) return undefined;
    const found = { row, caller: callerOf(row) };
    if (generation !== this.generation) return found;
    this.verified.set(hash, { ...found, until: nowMs + VERIFIED_KEY_TTL_MS });
    if (this.verified.size > VERIFIED_KEYS) this.verified.delete(this.verified.keys().next().value as string);
    return found;
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

const callerOf = (row: ApiKeyRecord): ApiCaller =>
  Object.freeze({
    keyId: row.id,
    name: row.name,
    scopes: Object.freeze([...row.scopes]),
    organizationIds: Object.freeze([...row.organizationIds]),
    webhooks: row.webhookSecret !== null,
  });
