import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import { Caller, unauthorized } from '@kyso/common';
import type { AuthSettings } from '../config';
import { AccessClaims, ISSUER, jwtKeyId, signJwt, verifyJwt } from './jwt';
import { Operators, OperatorRow } from './operators';
import { redisUnavailable } from '../limits/rate-limit';
import { dummyHash, verifyPassword } from './passwords';
import { SigningKeys } from './signing-keys';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export type LoginResult =
  | { ok: true; operatorId: string; tokens: TokenPair }
  | {
      ok: false;
      reason: 'BAD_CREDENTIALS' | 'ACCOUNT_LOCKED' | 'ACCOUNT_DISABLED';
      operatorId?: string;
      lockedUntil?: Date;
      justLocked?: boolean;
    };

export type AccessCheck =
  | { ok: true; caller: Caller; claims: AccessClaims }
  | { ok: false; reason: 'INVALID_TOKEN' | 'EXPIRED' | 'REVOKED' | 'ACCOUNT_DISABLED' };

/** TypeORM answers UPDATE ... RETURNING with [rows, count]; other statements with rows. */
async function updated<T>(ds: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const raw = await ds.query(sql, params);
  return (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) ? raw[0] : raw) as T[];
}

const MAX_USERNAME_CHARS = 64;
const MAX_PASSWORD_CHARS = 256;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Operator sessions: password login with lockout, short-lived ES256 access tokens, refresh-token
 * rotation with reuse detection (a spent refresh token coming back revokes its whole family),
 * and logout (refresh family revoked, access token's jti denylisted in Redis until it expires).
 */
export class Sessions {
  private readonly log = new Logger('Sessions');
  constructor(
    private readonly ds: DataSource,
    private readonly redis: IORedis,
    private readonly operators: Operators,
    private readonly keys: SigningKeys,
    private readonly settings: AuthSettings,
    private readonly redisPrefix: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Password sign-in. A guess is counted before the password is checked, in one atomic update, so
   * parallel guesses cannot pass the lockout (each needs one of the `maxFailedLogins` attempts);
   * a disabled account is only told apart from a wrong password after the right password.
   */
  async login(username: string, password: string): Promise<LoginResult> {
    const name = String(username ?? '');
    const pw = String(password ?? '');
    // No stored password is longer (passwordProblem); usernames are at most 64 characters.
    if (name.length > MAX_USERNAME_CHARS || pw.length > MAX_PASSWORD_CHARS)
      return { ok: false, reason: 'BAD_CREDENTIALS' };
    const row = await this.operators.byUsername(name);
    if (!row) {
      await verifyPassword(pw, await dummyHash());
      return { ok: false, reason: 'BAD_CREDENTIALS' };
    }
    const now = this.clock();
    // Take one attempt (a lapsed lock starts a new budget); the last one allowed sets the lock
    // at once, so a crash between check and update never leaves the account unlockable.
    const lockUntil = new Date(now.getTime() + this.settings.lockoutSec * 1000);
    const [attempt] = await updated<OperatorRow>(
      this.ds,
      `UPDATE gateway.operator SET
         failed_logins = CASE WHEN locked_until <= $2 THEN 1 ELSE failed_logins + 1 END,
         locked_until = CASE WHEN (CASE WHEN locked_until <= $2 THEN 1 ELSE failed_logins + 1 END) >= $3 THEN $4::timestamptz ELSE NULL END
       WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING *`,
      [row.id, now, this.settings.maxFailedLogins, lockUntil],
    );
    if (!attempt) {
      const [cur]: OperatorRow[] = await this.ds.query('SELECT * FROM gateway.operator WHERE id = $1', [row.id]);
      return { ok: false, reason: 'ACCOUNT_LOCKED', operatorId: row.id, lockedUntil: cur?.locked_until ?? undefined };
    }
    if (!(await verifyPassword(pw, row.password_hash))) {
      if (!attempt.locked_until) return { ok: false, reason: 'BAD_CREDENTIALS', operatorId: row.id };
      return {
        ok: false,
        reason: 'ACCOUNT_LOCKED',
        operatorId: row.id,
        lockedUntil: attempt.locked_until,
        justLocked: true,
      };
    }
    await this.ds.query('UPDATE gateway.operator SET failed_logins = 0, locked_until = NULL WHERE id = $1', [row.id]);
    if (row.disabled_at) return { ok: false, reason: 'ACCOUNT_DISABLED', operatorId: row.id };
    return { ok: true, operatorId: row.id, tokens: await this.issue(row.id, randomUUID()) };
  }

  /** Rotates a refresh token; a spent or revoked one revokes its family. */
  async refresh(refreshToken: string): Promise<{ operatorId: string; tokens: TokenPair }> {
    const hash = sha256(String(refreshToken ?? ''));
    const now = this.clock();
    const spent = await updated<{
      id: string;
      family_id: string;
      operator_id: string;
      expires_at: Date;
      revoked_at: Date | null;
    }>(this.ds, 'UPDATE gateway.refresh_token SET used_at = $2 WHERE hash = $1 AND used_at IS NULL RETURNING *', [
      hash,
      now,
    ]);
    const row = spent[0];
    if (!row) {
      const reused: { family_id: string }[] = await this.ds.query(
        'SELECT family_id FROM gateway.refresh_token WHERE hash = $1',
        [hash],
      );
      if (reused[0]) {
        await this.revokeFamily(reused[0].family_id);
        throw unauthorized(
          'REFRESH_TOKEN_REUSED',
          'This refresh token was already used; every session of this sign-in is now revoked. Sign in again.',
        );
      }
      throw unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is not known.');
    }
    if (row.revoked_at || row.expires_at <= now)
      throw unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token has expired or been revoked.');
    const op: OperatorRow[] = await this.ds.query('SELECT * FROM gateway.operator WHERE id = $1', [row.operator_id]);
    if (!op[0] || op[0].disabled_at) throw unauthorized('ACCOUNT_DISABLED', 'The account is disabled.');
    return { operatorId: row.operator_id, tokens: await this.issue(row.operator_id, row.family_id, true) };
  }

  /** Ends a session: the refresh token's family is revoked, the access token denylisted until it expires. */
  async logout(claims: AccessClaims, refreshToken?: string): Promise<void> {
    const ttl = claims.exp - Math.floor(this.clock().getTime() / 1000);
    if (ttl > 0) await this.redis.set(this.denyKey(claims.jti), '1', 'EX', ttl);
    if (claims.sid) await this.revokeFamily(claims.sid);
    if (refreshToken) {
      const rows: { family_id: string; operator_id: string }[] = await this.ds.query(
        'SELECT family_id, operator_id FROM gateway.refresh_token WHERE hash = $1',
        [sha256(refreshToken)],
      );
      if (rows[0] && rows[0].operator_id === claims.sub) await this.revokeFamily(rows[0].family_id);
    }
  }

  async authenticate(token: string): Promise<AccessCheck> {
    const kid = jwtKeyId(token);
    if (!kid) return { ok: false, reason: 'INVALID_TOKEN' };
    const now = this.clock();
    const key = await this.keys.verificationKey(kid, now);
    if (!key) return { ok: false, reason: 'INVALID_TOKEN' };
    const check = await verifyJwt(token, key.publicKey, Math.floor(now.getTime() / 1000));
    if (!check.ok) return { ok: false, reason: check.reason === 'EXPIRED' ? 'EXPIRED' : 'INVALID_TOKEN' };
    const denied = await this.redis
      .exists(this.denyKey(check.claims.jti))
      .catch((e: unknown) => Promise.reject(redisUnavailable(e, this.log, 'sign-out list')));
    if (denied) return { ok: false, reason: 'REVOKED' };
    if (check.claims.sid && (await this.familyRevoked(this.ds, check.claims.sid)))
      return { ok: false, reason: 'REVOKED' };
    const op: OperatorRow[] = await this.ds.query('SELECT * FROM gateway.operator WHERE id = $1', [check.claims.sub]);
    if (!op[0]) return { ok: false, reason: 'INVALID_TOKEN' };
    if (op[0].disabled_at) return { ok: false, reason: 'ACCOUNT_DISABLED' };
    // Roles are read at each call, so a revoked grant takes effect at once, not at token expiry.
    const roles = (await this.operators.grantsOf([op[0].id])).get(op[0].id) ?? [];
    const caller: Caller = {
      kind: 'operator',
      id: op[0].id,
      name: op[0].username,
      scopes: [],
      organizationIds: [],
      roles,
      officialId: op[0].official_id,
    };
    return { ok: true, caller, claims: check.claims };
  }

  /**
   * An access and a refresh token for an operator (login, refresh; tests mint them directly). With
   * `liveFamily`, the sign-in must not have been revoked meanwhile: checked and inserted under the
   * family's lock, which revocation takes too, so a parallel reuse cannot leave a fresh token alive.
   */
  async issue(operatorId: string, familyId: string, liveFamily = false): Promise<TokenPair> {
    const now = this.clock();
    const iat = Math.floor(now.getTime() / 1000);
    const key = await this.keys.signingKey(now);
    const accessToken = await signJwt(
      {
        iss: ISSUER,
        sub: operatorId,
        jti: randomUUID(),
        iat,
        exp: iat + this.settings.accessTokenTtlSec,
        typ: 'access',
        sid: familyId,
      },
      key,
    );
    const refreshToken = `kyso_rt_${randomBytes(32).toString('base64url')}`;
    await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [familyId]);
      if (liveFamily && (await this.familyRevoked(m, familyId))) {
        throw unauthorized(
          'REFRESH_TOKEN_REUSED',
          'This sign-in was revoked (a refresh token was reused or the operator signed out). Sign in again.',
        );
      }
      await m.query(
        'INSERT INTO gateway.refresh_token (family_id, operator_id, hash, expires_at) VALUES ($1, $2, $3, $4)',
        [familyId, operatorId, sha256(refreshToken), new Date(now.getTime() + this.settings.refreshTokenTtlSec * 1000)],
      );
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.settings.accessTokenTtlSec };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [familyId]);
      await m.query('UPDATE gateway.refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [
        familyId,
      ]);
    });
  }

  private async familyRevoked(q: Pick<DataSource, 'query'>, familyId: string): Promise<boolean> {
    return (
      (
        await q.query('SELECT 1 FROM gateway.refresh_token WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1', [
          familyId,
        ])
      ).length > 0
    );
  }

  private denyKey(jti: string): string {
    return `${this.redisPrefix}jwt-deny:${jti}`;
  }
}
