import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';

/**
 * Access tokens: compact JWS (RFC 7515/7519), ES256 only, signed and verified by `jose`. The
 * algorithm is fixed here (`algorithms: ['ES256']`), never taken from the token, so "alg: none"
 * and key-confusion tricks have nothing to hold on to.
 */
export interface AccessClaims {
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  typ: 'access';
  /** The sign-in (refresh-token family) it belongs to: revoking the sign-in ends it at once. */
  sid?: string;
}

export const ISSUER = 'kyso-gateway';
/** Gateway instances may disagree on the time by this much. */
export const CLOCK_SKEW_SEC = 60;

export interface JwtKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The order of P-256 (SEC 2 2.4.2): ECDSA's (r, s) and (r, n - s) both verify. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N >> 1n;
const ES256_SIG_BYTES = 64;

/**
 * ECDSA signatures are malleable: from one valid token anyone can make a second one, byte-wise
 * different, by replacing s with n - s. We accept only the low-S form (s <= n/2, as Bitcoin's
 * BIP 62 and libsecp256k1 do), so a token has exactly one valid encoding. jose 5 does not check
 * this (tested in jwt.spec.ts), and node:crypto signs with either form, hence both sides here.
 */
const sOf = (sig: Buffer): bigint => BigInt(`0x${sig.subarray(32).toString('hex')}`);

function toLowS(token: string): string {
  const [h, p, s] = token.split('.');
  const sig = Buffer.from(s, 'base64url');
  const value = sOf(sig);
  if (value <= P256_HALF_N) return token;
  const low = Buffer.from((P256_N - value).toString(16).padStart(64, '0'), 'hex');
  return `${h}.${p}.${Buffer.concat([sig.subarray(0, 32), low]).toString('base64url')}`;
}

function isLowS(token: string): boolean {
  const sig = Buffer.from(token.split('.')[2] ?? '', 'base64url');
  return sig.length === ES256_SIG_BYTES && sOf(sig) <= P256_HALF_N;
}

export async function signJwt(claims: AccessClaims, key: JwtKey): Promise<string> {
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
    .sign(key.privateKey);
  return toLowS(token);
}

/** Key ids as SigningKeys makes them; anything else is not looked up at all. */
const KID = /^\d{4}-\d{2}-\d{2}-[0-9a-f]{12}$/;

/** The key id of a well-formed ES256 token, or undefined. */
export function jwtKeyId(token: string): string | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    const h = decodeProtectedHeader(token);
    return h.alg === 'ES256' && typeof h.kid === 'string' && KID.test(h.kid) ? h.kid : undefined;
  } catch {
    return undefined;
  }
}

export type JwtCheck =
  { ok: true; claims: AccessClaims } | { ok: false; reason: 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' };

export async function verifyJwt(token: string, publicKey: KeyObject, nowSec: number): Promise<JwtCheck> {
  if (token.split('.').length !== 3) return { ok: false, reason: 'MALFORMED' };
  if (!isLowS(token)) return { ok: false, reason: 'BAD_SIGNATURE' };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: ['ES256'],
      issuer: ISSUER,
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      currentDate: new Date(nowSec * 1000),
      // Expiry is exact (exp <= now is expired); the skew applies to iat only, below.
      clockTolerance: 0,
    }));
  } catch (e) {
    if (e instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'BAD_SIGNATURE' };
    if (e instanceof errors.JWTExpired) return { ok: false, reason: 'EXPIRED' };
    return { ok: false, reason: 'MALFORMED' };
  }
  const c = payload as unknown as AccessClaims;
  if (c.typ !== 'access' || typeof c.sub !== 'string' || typeof c.jti !== 'string')
    return { ok: false, reason: 'MALFORMED' };
  if (c.sid !== undefined && typeof c.sid !== 'string') return { ok: false, reason: 'MALFORMED' };
  // Only this gateway issues tokens: one minted in the future means a wrong clock or a forgery.
  if (c.iat > nowSec + CLOCK_SKEW_SEC) return { ok: false, reason: 'MALFORMED' };
  return { ok: true, claims: c };
}

export function generateJwtKey(kid: string): JwtKey & { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

export const jwtKeyFromPem = (kid: string, privatePem: string, publicPem: string): JwtKey => ({
  kid,
  privateKey: createPrivateKey(privatePem),
  publicKey: createPublicKey(publicPem),
});
