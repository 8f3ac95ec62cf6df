import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from './operators.repository';

export interface SpentRefreshToken {
  familyId: string;
  operatorId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

/**
 * Persistence port for refresh tokens (by SHA-256 of the token) and their families (one per
 * sign-in). Inserting into a family and revoking it take the family's lock, so they take turns.
 */
export abstract class RefreshTokensRepository {
  /** Marks an unused token used at `at`; undefined when unknown or already used. */
  abstract spend(hash: string, at: Date): Promise<SpentRefreshToken | undefined>;
  abstract findByHash(hash: string): Promise<{ familyId: string; operatorId: string } | undefined>;
  /** Inserts under the family's lock; with `requireLive`, refuses (false) when the family was revoked. */
  abstract insert(
    t: { familyId: string; operatorId: string; hash: string; expiresAt: Date },
    requireLive: boolean,
  ): Promise<boolean>;
  abstract revokeFamily(familyId: string): Promise<void>;
  abstract familyRevoked(familyId: string): Promise<boolean>;
}

const lockFamily = (m: EntityManager, familyId: string) =>
  m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [familyId]);

/** gateway.refresh_token in SQL. */
@Injectable()
export class PgRefreshTokensRepository extends RefreshTokensRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  async spend(hash: string, at: Date): Promise<SpentRefreshToken | undefined> {
    const [row] = await returnedRows<{
      family_id: string;
      operator_id: string;
      expires_at: Date;
      revoked_at: Date | null;
    }>(this.db, 'UPDATE gateway.refresh_token SET used_at = $2 WHERE hash = $1 AND used_at IS NULL RETURNING *', [
      hash,
      at,
    ]);
    return (
      row && {
        familyId: row.family_id,
        operatorId: row.operator_id,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
      }
    );
  }

  async findByHash(hash: string): Promise<{ familyId: string; operatorId: string } | undefined> {
    const [row]: { family_id: string; operator_id: string }[] = await this.db.query(
      'SELECT family_id, operator_id FROM gateway.refresh_token WHERE hash = $1',
      [hash],
    );
    return row && { familyId: row.family_id, operatorId: row.operator_id };
  }

  insert(
    t: { familyId: string; operatorId: string; hash: string; expiresAt: Date },
    requireLive: boolean,
  ): Promise<boolean> {
    return this.db.transaction(async (m) => {
      await lockFamily(m, t.familyId);
      if (requireLive && (await this.revoked(m, t.familyId))) return false;
      await m.query(
        'INSERT INTO gateway.refresh_token (family_id, operator_id, hash, expires_at) VALUES ($1, $2, $3, $4)',
        [t.familyId, t.operatorId, t.hash, t.expiresAt],
      );
      return true;
    });
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await lockFamily(m, familyId);
      await m.query('UPDATE gateway.refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [
        familyId,
      ]);
    });
  }

  familyRevoked(familyId: string): Promise<boolean> {
    return this.revoked(this.db, familyId);
  }

  private async revoked(q: Pick<DataSource, 'query'>, familyId: string): Promise<boolean> {
    const rows = await q.query(
      'SELECT 1 FROM gateway.refresh_token WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1',
      [familyId],
    );
    return rows.length > 0;
  }
}
