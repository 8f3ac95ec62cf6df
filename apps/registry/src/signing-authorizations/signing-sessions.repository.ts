import { Inject, Injectable } from '@nestjs/common';
import type { Caller, NamedStatement } from '@kyso/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_SIGNING_SESSION_MAX_USES, DEFAULT_SIGNING_SESSION_TTL_SECONDS, RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { Db } from '../shared/transactions';
import type { CertificateRecord } from '../certificates/certificate';
import { certificateColumns, certificateFromRow } from '../certificates/certificates.repository';
import type { EmploymentStatus, Official, OfficialRole } from '../officials/official';
import type { OrganizationStatus } from '../organizations/organization';
import { managingOrganizationSql } from '../ownership/ownership.repository';
import { LOCKED_SQL } from './pin-locks.repository';

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

/** Why a session could not be used. */
export type SessionProblem = 'UNKNOWN' | 'EXPIRED' | 'USED_UP' | 'ENDED';

/** A session use as one statement answers it: the use spent (if it could be) and every fact the rules need. */
export interface SessionUseFacts {
  spent?: { id: string; remainingUses: number; expiresAt: Date };
  certificate: CertificateRecord | undefined;
  /** What the rules read of the acting official. */
  official: Pick<Official, 'id' | 'organizationId' | 'roles' | 'employmentStatus'> | undefined;
  officialManagingOrganizationId?: string;
  certificateOrganizationStatus?: OrganizationStatus;
  locked: boolean;
}

/** Tokens carry 256 random bits: a plain SHA-256 is enough to keep them unusable from the table. */
const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** The session of this token and binding ($1-$6, see boundParams). */
const BOUND = `token_sha256 = $1 AND certificate_id = $2 AND official_id = $3 AND caller_kind = $4
  AND caller_id = $5 AND caller_session_id IS NOT DISTINCT FROM $6`;
/** One use spent, if one is left and the session is live at $7. */
const SPEND_SQL = `UPDATE registry.signing_session SET remaining_uses = remaining_uses - 1
  WHERE ${BOUND} AND remaining_uses > 0 AND ended_at IS NULL AND expires_at > $7
  RETURNING id, remaining_uses, expires_at`;

/**
 * A use: the spend and every fact the rules need, in one statement (prepared once per connection:
 * it runs for every signature with a session).
 */
const USE: NamedStatement = {
  name: 'registry-signing-session-use',
  text: `WITH spent AS (${SPEND_SQL})
       SELECT s.id AS session_id, s.remaining_uses AS session_remaining_uses, s.expires_at AS session_expires_at,
              ${certificateColumns('c', 'c_')}, ${LOCKED_SQL} AS locked, org.status AS organization_status,
              o.id AS o_id, o.organization_id AS o_organization_id, o.roles AS o_roles,
              o.employment_status AS o_employment_status,
              ${managingOrganizationSql('o.organization_id')} AS managing_organization_id
         FROM (SELECT 1) AS one
         LEFT JOIN spent s ON true
         LEFT JOIN registry.certificate c ON c.id = $2
         LEFT JOIN registry.key_device d ON d.id = c.device_id
         LEFT JOIN registry.organization org ON org.id = c.organization_id
         LEFT JOIN registry.official o ON o.id = $3`,
};

const boundParams = (token: string, binding: SessionBinding) => [
  tokenHash(token),
  binding.certificateId,
  binding.officialId,
  binding.caller.kind,
  binding.caller.id,
  binding.caller.sessionId ?? null,
];

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
      [id, ...boundParams(token, binding), remainingUses, now, expiresAt],
    );
    return { id, token, remainingUses, expiresAt };
  }

  /**
   * A use in one round trip (it runs for every signature with a session): the conditional UPDATE
   * that spends it, and in the same statement (one snapshot) the certificate with its PIN lock and
   * its organisation's status, the acting official and the official's managing agency. The caller
   * decides with these facts and gives the use back (`refund`) when the rules refuse.
   */
  async use(token: string, binding: SessionBinding, now: Date): Promise<SessionUseFacts> {
    const rows = await this.db.named<Record<string, unknown>>(USE, [...boundParams(token, binding), now]);
    const r = rows[0];
    const certificate = certificateFromRow(r, 'c_');
    const official = r.o_id
      ? {
          id: r.o_id as string,
          organizationId: r.o_organization_id as string,
          roles: r.o_roles as OfficialRole[],
          employmentStatus: r.o_employment_status as EmploymentStatus,
        }
      : undefined;
    return {
      spent: r.session_id
        ? {
            id: r.session_id as string,
            remainingUses: r.session_remaining_uses as number,
            expiresAt: r.session_expires_at as Date,
          }
        : undefined,
      certificate,
      official,
      // NULL (and `locked` false) when there is no official or no certificate: LEFT JOINs.
      officialManagingOrganizationId: (r.managing_organization_id as string | null) ?? undefined,
      certificateOrganizationStatus: (r.organization_status as OrganizationStatus | null) ?? undefined,
      locked: r.locked as boolean,
    };
  }

  /** Gives back a use spent by `use` for a signature the rules then refused (a refusal costs no use). */
  async refund(sessionId: string): Promise<void> {
    await this.db.query(
      'UPDATE registry.signing_session SET remaining_uses = remaining_uses + 1 WHERE id = $1 AND remaining_uses < max_uses',
      [sessionId],
    );
  }

  /** Why a use could not be spent (a token of another binding is UNKNOWN). */
  async whyNotSpent(token: string, binding: SessionBinding, now: Date): Promise<SessionProblem> {
    const found: { ended: boolean; expired: boolean }[] = await this.db.query(
      `SELECT ended_at IS NOT NULL AS ended, expires_at <= $7 AS expired FROM registry.signing_session WHERE ${BOUND}`,
      [...boundParams(token, binding), now],
    );
    if (!found[0]) return 'UNKNOWN';
    return found[0].ended ? 'ENDED' : found[0].expired ? 'EXPIRED' : 'USED_UP';
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
