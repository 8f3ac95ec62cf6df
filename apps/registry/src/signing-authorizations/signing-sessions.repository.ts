import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@kyso/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_SIGNING_SESSION_MAX_USES, DEFAULT_SIGNING_SESSION_TTL_SECONDS, RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { Db } from '../shared/transactions';

/** Who a session is bound to: the certificate, the acting official and the calling system. */
export interface SessionBinding {
  certificateId: string;
  officialId: string;
  caller: Pick<Caller, 'kind' | 'id' | 'sessionId'>;
}

export interface OpenedSession {
  id: string;
  token: string;
  remainingUses: number;
  expiresAt: Date;
}

export type SpendResult =
  | { ok: true; id: string; remainingUses: number; expiresAt: Date }
  | { ok: false; reason: 'UNKNOWN' | 'EXPIRED' | 'USED_UP' | 'ENDED' };

/** Tokens carry 256 random bits: a plain SHA-256 is enough to keep them unusable from the table. */
const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Signing sessions in registry.signing_session. A use is one conditional UPDATE (remaining > 0,
 * live, bound to the same certificate, official and caller), so concurrent uses never spend more
 * than the count and no lock or transaction is held across requests. (UPDATEs are wrapped in a CTE:
 * TypeORM answers a bare UPDATE ... RETURNING with [rows, count].)
 */
@Injectable()
export class SigningSessionsRepository {
  readonly maxUses: number;
  private readonly ttlMs: number;

  constructor(
    private readonly db: Db,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.maxUses = config.signingSessionMaxUses ?? DEFAULT_SIGNING_SESSION_MAX_USES;
    this.ttlMs = (config.signingSessionTtlSeconds ?? DEFAULT_SIGNING_SESSION_TTL_SECONDS) * 1000;
  }

  /** `uses` further signatures (capped by configuration), from `now` for the configured lifetime. */
  async open(binding: SessionBinding, uses: number, now: Date): Promise<OpenedSession> {
    const token = `kss_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    const remainingUses = Math.min(uses, this.maxUses);
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await this.db.query(
      `INSERT INTO registry.signing_session (id, token_sha256, certificate_id, official_id, caller_kind, caller_id,
         caller_session_id, max_uses, remaining_uses, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)`,
      [
        id,
        tokenHash(token),
        binding.certificateId,
        binding.officialId,
        binding.caller.kind,
        binding.caller.id,
        binding.caller.sessionId ?? null,
        remainingUses,
        now,
        expiresAt,
      ],
    );
    return { id, token, remainingUses, expiresAt };
  }

  /** Spends one use atomically; on failure, says why (a token of another binding is UNKNOWN). */
  async spend(token: string, binding: SessionBinding, now: Date): Promise<SpendResult> {
    const hash = tokenHash(token);
    const params = [
      hash,
      binding.certificateId,
      binding.officialId,
      binding.caller.kind,
      binding.caller.id,
      binding.caller.sessionId ?? null,
    ];
    const bound = `token_sha256 = $1 AND certificate_id = $2 AND official_id = $3 AND caller_kind = $4
      AND caller_id = $5 AND caller_session_id IS NOT DISTINCT FROM $6`;
    const rows: { id: string; remaining_uses: number; expires_at: Date }[] = await this.db.query(
      `WITH spent AS (UPDATE registry.signing_session SET remaining_uses = remaining_uses - 1
        WHERE ${bound} AND remaining_uses > 0 AND ended_at IS NULL AND expires_at > $7
        RETURNING id, remaining_uses, expires_at)
       SELECT * FROM spent`,
      [...params, now],
    );
    if (rows[0])
      return { ok: true, id: rows[0].id, remainingUses: rows[0].remaining_uses, expiresAt: rows[0].expires_at };
    const found: { ended: boolean; expired: boolean }[] = await this.db.query(
      `SELECT ended_at IS NOT NULL AS ended, expires_at <= $7 AS expired FROM registry.signing_session WHERE ${bound}`,
      [...params, now],
    );
    if (!found[0]) return { ok: false, reason: 'UNKNOWN' };
    return { ok: false, reason: found[0].ended ? 'ENDED' : found[0].expired ? 'EXPIRED' : 'USED_UP' };
  }

  /** Ends every live session on these certificates (PIN lock, suspension, revocation). */
  async endForCertificates(certificateIds: string[], reason: string, now: Date): Promise<number> {
    if (!certificateIds.length) return 0;
    const rows: unknown[] = await this.db.query(
      `WITH ended AS (UPDATE registry.signing_session SET ended_at = $2, end_reason = $3
        WHERE certificate_id = ANY ($1::uuid[]) AND ended_at IS NULL RETURNING id)
       SELECT id FROM ended`,
      [certificateIds, now, reason],
    );
    return rows.length;
  }
}
