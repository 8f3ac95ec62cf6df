import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';
import { Caller, Clock, unauthorized } from '@kyso/common';
import type { AuthSettings } from '../config';
import { AccessClaims, ISSUER, jwtKeyId, signJwt, verifyJwt } from './jwt';
import { Operators } from './operators';
import { OperatorsRepository } from './operators.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { LoginThrottle } from '../limits/login-throttle';
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
  | { ok: false; reason: 'BAD_CREDENTIALS' | 'ACCOUNT_DISABLED'; operatorId?: string }
  /** Too many wrong passwords for this username from this address: wait (known or not, alike). */
  | { ok: false; reason: 'THROTTLED'; retryAfterSec: number };

export type AccessCheck =
  | { ok: true; caller: Caller; claims: AccessClaims }
  | { ok: false; reason: 'INVALID_TOKEN' | 'EXPIRED' | 'REVOKED' | 'ACCOUNT_DISABLED' };

const MAX_USERNAME_CHARS = 64;
const MAX_PASSWORD_CHARS = 256;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Operator sessions: password login with a throttle, short-lived ES256 access tokens, refresh-token
 * rotation with reuse detection (a spent refresh token coming back revokes its whole family),
 * and logout (refresh family revoked, access token's jti denylisted in Redis until it expires).
 */
export class Sessions {
  private readonly log = new Logger('Sessions');
  constructor(
    private readonly accounts: OperatorsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly redis: IORedis,
    private readonly operators: Operators,
    private readonly throttle: LoginThrottle,
    private readonly keys: SigningKeys,
    private readonly settings: AuthSettings,
    private readonly redisPrefix: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Password sign-in from a client address. The attempt is taken from the throttle before anything
   * is looked up, so a throttled known username and a throttled unknown one get the same answer, and
   * an unknown one costs the same scrypt as a known one; a disabled account is only told apart from a
   * wrong password after the right password.
   */
  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const name = String(username ?? '');
    const pw = String(password ?? '');
    // No stored password is longer (passwordProblem); usernames are at most 64 characters.
    if (name.length > MAX_USERNAME_CHARS || pw.length > MAX_PASSWORD_CHARS)
      return { ok: false, reason: 'BAD_CREDENTIALS' };
    const ticket = await this.throttle.take(name, address);
    if (!ticket.allowed) return { ok: false, reason: 'THROTTLED', retryAfterSec: ticket.retryAfterSec };
    const row = await this.operators.byUsername(name);
    if (!row) {
      await verifyPassword(pw, await dummyHash());
      return { ok: false, reason: 'BAD_CREDENTIALS' };
    }
    if (!(await verifyPassword(pw, row.passwordHash)))
      return { ok: false, reason: 'BAD_CREDENTIALS', operatorId: row.id };
    await this.throttle.succeeded(name, address);
    if (row.disabledAt) return { ok: false, reason: 'ACCOUNT_DISABLED', operatorId: row.id };
    return { ok: true, operatorId: row.id, tokens: await this.issue(row.id, randomUUID()) };
  }

  /** Admin unlock: the operator's username is no longer throttled from any address. */
  async unlock(operatorId: string): Promise<void> {
    const op = await this.operators.get(operatorId);
    await this.throttle.unlock(op.username);
  }

  /** Rotates a refresh token; a spent or revoked one revokes its family. */
  async refresh(refreshToken: string): Promise<{ operatorId: string; tokens: TokenPair }> {
    const hash = sha256(String(refreshToken ?? ''));
    const now = this.clock.now();
    const row = await this.refreshTokens.spend(hash, now);
    if (!row) {
      const reused = await this.refreshTokens.findByHash(hash);
      if (reused) {
        await this.refreshTokens.revokeFamily(reused.familyId);
        throw unauthorized(
          'REFRESH_TOKEN_REUSED',
          'This refresh token was already used; every session of this sign-in is now revoked. Sign in again.',
        );
      }
      throw unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is not known.');
    }
    if (row.revokedAt || row.expiresAt <= now)
      throw unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token has expired or been revoked.');
    const op = await this.accounts.findById(row.operatorId);
    if (!op || op.disabledAt) throw unauthorized('ACCOUNT_DISABLED', 'The account is disabled.');
    return { operatorId: row.operatorId, tokens: await this.issue(row.operatorId, row.familyId, true) };
  }

  /** Ends a session: the refresh token's family is revoked, the access token denylisted until it expires. */
  async logout(claims: AccessClaims, refreshToken?: string): Promise<void> {
    const ttl = claims.exp - Math.floor(this.clock.now().getTime() / 1000);
    if (ttl > 0) await this.redis.set(this.denyKey(claims.jti), '1', 'EX', ttl);
    if (claims.sid) await this.refreshTokens.revokeFamily(claims.sid);
    if (refreshToken) {
      const token = await this.refreshTokens.findByHash(sha256(refreshToken));
      if (token && token.operatorId === claims.sub) await this.refreshTokens.revokeFamily(token.familyId);
    }
  }

  async authenticate(token: string): Promise<AccessCheck> {
    const kid = jwtKeyId(token);
    if (!kid) return { ok: false, reason: 'INVALID_TOKEN' };
    const now = this.clock.now();
    const key = await this.keys.verificationKey(kid, now);
    if (!key) return { ok: false, reason: 'INVALID_TOKEN' };
    const check = await verifyJwt(token, key.publicKey, Math.floor(now.getTime() / 1000));
    if (!check.ok) return { ok: false, reason: check.reason === 'EXPIRED' ? 'EXPIRED' : 'INVALID_TOKEN' };
    const denied = await this.redis
      .exists(this.denyKey(check.claims.jti))
      .catch((e: unknown) => Promise.reject(redisUnavailable(e, this.log, 'sign-out list')));
    if (denied) return { ok: false, reason: 'REVOKED' };
    if (check.claims.sid && (await this.refreshTokens.familyRevoked(check.claims.sid)))
      return { ok: false, reason: 'REVOKED' };
    const op = await this.accounts.findById(check.claims.sub);
    if (!op) return { ok: false, reason: 'INVALID_TOKEN' };
    if (op.disabledAt) return { ok: false, reason: 'ACCOUNT_DISABLED' };
    // Roles are read at each call, so a revoked grant takes effect at once, not at token expiry.
    const roles = (await this.operators.grantsOf([op.id])).get(op.id) ?? [];
    const caller: Caller = {
      kind: 'operator',
      id: op.id,
      name: op.username,
      scopes: [],
      organizationIds: [],
      roles,
      officialId: op.officialId,
      ...(check.claims.sid ? { sessionId: check.claims.sid } : {}),
    };
    return { ok: true, caller, claims: check.claims };
  }

  /**
   * An access and a refresh token for an operator (login, refresh; tests mint them directly). With
   * `liveFamily`, the sign-in must not have been revoked meanwhile: checked and inserted under the
   * family's lock, which revocation takes too, so a parallel reuse cannot leave a fresh token alive.
   */
  async issue(operatorId: string, familyId: string, liveFamily = false): Promise<TokenPair> {
    const now = this.clock.now();
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
    const inserted = await this.refreshTokens.insert(
      {
        familyId,
        operatorId,
        hash: sha256(refreshToken),
        expiresAt: new Date(now.getTime() + this.settings.refreshTokenTtlSec * 1000),
      },
      liveFamily,
    );
    if (!inserted)
      throw unauthorized(
        'REFRESH_TOKEN_REUSED',
        'This sign-in was revoked (a refresh token was reused or the operator signed out). Sign in again.',
      );
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.settings.accessTokenTtlSec };
  }

  private denyKey(jti: string): string {
    return `${this.redisPrefix}jwt-deny:${jti}`;
  }
}
