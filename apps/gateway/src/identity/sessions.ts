import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import { Caller, unauthorized } from '@kyso/common';
import type { AuthSettings } from '../config';
import { AccessClaims, ISSUER, jwtKeyId, signJwt, verifyJwt } from './jwt';
import { Operators, OperatorRow } from './operators';
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
  | { ok: false; reason: 'BAD_CREDENTIALS' | 'ACCOUNT_LOCKED' | 'ACCOUNT_DISABLED'; operatorId?: string; lockedUntil?: Date; justLocked?: boolean };

export type AccessCheck = { ok: true; caller: Caller; claims: AccessClaims } | { ok: false; reason: 'INVALID_TOKEN' | 'EXPIRED' | 'REVOKED' | 'ACCOUNT_DISABLED' };

/** TypeORM answers UPDATE ... RETURNING with [rows, count]; other statements with rows. */
async function updated<T>(ds: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const raw = await ds.query(sql, params);
  return (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) ? raw[0] : raw) as T[];
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Operator sessions: password login with lockout, short-lived ES256 access tokens, refresh-token
 * rotation with reuse detection (a spent refresh token coming back revokes its whole family),
 * and logout (refresh family revoked, access token's jti denylisted in Redis until it expires).
 */
export class Sessions {
  constructor(
    private readonly ds: DataSource,
    private readonly redis: IORedis,
    private readonly operators: Operators,
    private readonly keys: SigningKeys,
    private readonly settings: AuthSettings,
    private readonly redisPrefix: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async login(username: string, password: string): Promise<LoginResult> {
    const row = await this.operators.byUsername(String(username ?? ''));
    if (!row) {
      await verifyPassword(String(password ?? ''), await dummyHash());
      return { ok: false, reason: 'BAD_CREDENTIALS' };
    }
    const now = this.clock();
    if (row.disabled_at) return { ok: false, reason: 'ACCOUNT_DISABLED', operatorId: row.id };
    if (row.locked_until && row.locked_until > now) return { ok: false, reason: 'ACCOUNT_LOCKED', operatorId: row.id, lockedUntil: row.locked_until };
    if (!(await verifyPassword(String(password ?? ''), row.password_hash))) {
      const [r0] = await updated<OperatorRow>(
        this.ds,
        `UPDATE gateway.operator SET failed_logins = failed_logins + 1,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
         WHERE id = $1 RETURNING *`,
        [row.id, this.settings.maxFailedLogins, new Date(now.getTime() + this.settings.lockoutSec * 1000)],
      );
      const justLocked = r0.failed_logins === this.settings.maxFailedLogins;
      return justLocked ? { ok: false, reason: 'ACCOUNT_LOCKED', operatorId: row.id, lockedUntil: r0.locked_until ?? undefined, justLocked } : { ok: false, reason: 'BAD_CREDENTIALS', operatorId: row.id };
    }
    await this.ds.query('UPDATE gateway.operator SET failed_logins = 0, locked_until = NULL WHERE id = $1', [row.id]);
    return { ok: true, operatorId: row.id, tokens: await this.issue(row.id, randomUUID()) };
  }

  /** Rotates a refresh token; a spent or revoked one revokes its family. */
  async refresh(refreshToken: string): Promise<{ operatorId: string; tokens: TokenPair }> {
    const hash = sha256(String(refreshToken ?? ''));
    const now = this.clock();
    const spent = await updated<{ id: string; family_id: string; operator_id: string; expires_at: Date; revoked_at: Date | null }>(
      this.ds,
      'UPDATE gateway.refresh_token SET used_at = $2 WHERE hash = $1 AND used_at IS NULL RETURNING *',
      [hash, now],
    );
    const row = spent[0];
    if (!row) {
      const reused: { family_id: string }[] = await this.ds.query('SELECT family_id FROM gateway.refresh_token WHERE hash = $1', [hash]);
      if (reused[0]) {
        await this.revokeFamily(reused[0].family_id);
        throw unauthorized('REFRESH_TOKEN_REUSED', 'This refresh token was already used; every session of this sign-in is now revoked. Sign in again.');
      }
      throw unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is not known.');
    }
    if (row.revoked_at || row.expires_at <= now) throw unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token has expired or been revoked.');
    const op: OperatorRow[] = await this.ds.query('SELECT * FROM gateway.operator WHERE id = $1', [row.operator_id]);
    if (!op[0] || op[0].disabled_at) throw unauthorized('ACCOUNT_DISABLED', 'The account is disabled.');
    return { operatorId: row.operator_id, tokens: await this.issue(row.operator_id, row.family_id) };
  }

  /** Ends a session: the refresh token's family is revoked, the access token denylisted until it expires. */
  async logout(claims: AccessClaims, refreshToken?: string): Promise<void> {
    const ttl = claims.exp - Math.floor(this.clock().getTime() / 1000);
    if (ttl > 0) await this.redis.set(this.denyKey(claims.jti), '1', 'EX', ttl);
    if (refreshToken) {
      const rows: { family_id: string; operator_id: string }[] = await this.ds.query('SELECT family_id, operator_id FROM gateway.refresh_token WHERE hash = $1', [sha256(refreshToken)]);
      if (rows[0] && rows[0].operator_id === claims.sub) await this.revokeFamily(rows[0].family_id);
    }
  }

  async authenticate(token: string): Promise<AccessCheck> {
    const kid = jwtKeyId(token);
    if (!kid) return { ok: false, reason: 'INVALID_TOKEN' };
    const now = this.clock();
    const key = await this.keys.verificationKey(kid, now);
    if (!key) return { ok: false, reason: 'INVALID_TOKEN' };
    const check = verifyJwt(token, key.publicKey, Math.floor(now.getTime() / 1000));
    if (!check.ok) return { ok: false, reason: check.reason === 'EXPIRED' ? 'EXPIRED' : 'INVALID_TOKEN' };
    if (await this.redis.exists(this.denyKey(check.claims.jti))) return { ok: false, reason: 'REVOKED' };
    const op: OperatorRow[] = await this.ds.query('SELECT * FROM gateway.operator WHERE id = $1', [check.claims.sub]);
    if (!op[0]) return { ok: false, reason: 'INVALID_TOKEN' };
    if (op[0].disabled_at) return { ok: false, reason: 'ACCOUNT_DISABLED' };
    // Roles are read at each call, so a revoked grant takes effect at once, not at token expiry.
    const roles = (await this.operators.grantsOf([op[0].id])).get(op[0].id) ?? [];
    const caller: Caller = { kind: 'operator', id: op[0].id, name: op[0].username, scopes: [], organizationIds: [], roles, officialId: op[0].official_id };
    return { ok: true, caller, claims: check.claims };
  }

  /** An access and a refresh token for an operator (login, refresh; tests mint them directly). */
  async issue(operatorId: string, familyId: string): Promise<TokenPair> {
    const now = this.clock();
    const iat = Math.floor(now.getTime() / 1000);
    const key = await this.keys.signingKey(now);
    const accessToken = signJwt({ iss: ISSUER, sub: operatorId, jti: randomUUID(), iat, exp: iat + this.settings.accessTokenTtlSec, typ: 'access' }, key);
    const refreshToken = `kyso_rt_${randomBytes(32).toString('base64url')}`;
    await this.ds.query('INSERT INTO gateway.refresh_token (family_id, operator_id, hash, expires_at) VALUES ($1, $2, $3, $4)', [
      familyId,
      operatorId,
      sha256(refreshToken),
      new Date(now.getTime() + this.settings.refreshTokenTtlSec * 1000),
    ]);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.settings.accessTokenTtlSec };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.ds.query('UPDATE gateway.refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }

  private denyKey(jti: string): string {
    return `${this.redisPrefix}jwt-deny:${jti}`;
  }
}
