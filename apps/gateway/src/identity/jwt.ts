import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';

/**
 * Compact JWS (RFC 7515/7519) with ES256 only, via node:crypto: the algorithm is fixed here, never
 * taken from the token, so "alg: none" and key-confusion tricks have nothing to hold on to.
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

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signJwt(claims: AccessClaims, key: JwtKey): string {
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: key.kid })}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** Key ids as SigningKeys makes them; anything else is not looked up at all. */
const KID = /^\d{4}-\d{2}-\d{2}-[0-9a-f]{12}$/;

/** The key id of a well-formed ES256 token, or undefined. */
export function jwtKeyId(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const h = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    return h.alg === 'ES256' && typeof h.kid === 'string' && KID.test(h.kid) ? h.kid : undefined;
  } catch {
    return undefined;
  }
}

export type JwtCheck =
  { ok: true; claims: AccessClaims } | { ok: false; reason: 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' };

export function verifyJwt(token: string, publicKey: KeyObject, nowSec: number): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'MALFORMED' };
  const okSig = verify(
    'sha256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(parts[2], 'base64url'),
  );
  if (!okSig) return { ok: false, reason: 'BAD_SIGNATURE' };
  let c: AccessClaims;
  try {
    c = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as AccessClaims;
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (
    c.iss !== ISSUER ||
    c.typ !== 'access' ||
    typeof c.sub !== 'string' ||
    typeof c.jti !== 'string' ||
    typeof c.exp !== 'number'
  )
    return { ok: false, reason: 'MALFORMED' };
  if (c.sid !== undefined && typeof c.sid !== 'string') return { ok: false, reason: 'MALFORMED' };
  // Only this gateway issues tokens: one minted in the future means a wrong clock or a forgery.
  if (typeof c.iat !== 'number' || c.iat > nowSec + CLOCK_SKEW_SEC) return { ok: false, reason: 'MALFORMED' };
  if (c.exp <= nowSec) return { ok: false, reason: 'EXPIRED' };
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
