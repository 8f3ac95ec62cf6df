import { CLOCK_SKEW_SEC, generateJwtKey, ISSUER, jwtKeyId, signJwt, verifyJwt } from './jwt';
import { hashPassword, verifyPassword } from './passwords';

describe('access tokens (ES256 JWS)', () => {
  const key = generateJwtKey('2026-01-01-00000000000a');
  const claims = { iss: ISSUER, sub: 'op', jti: 'j', iat: 1000, exp: 2000, typ: 'access' as const };

  it('verify with the key that signed them, until they expire', () => {
    const t = signJwt(claims, key);
    expect(jwtKeyId(t)).toBe('2026-01-01-00000000000a');
    expect(verifyJwt(t, key.publicKey, 1500)).toEqual({ ok: true, claims });
    expect(verifyJwt(t, key.publicKey, 2000)).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(verifyJwt(t, generateJwtKey('k2').publicKey, 1500)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuse a token minted in the future beyond the clock skew, and a kid not of our making', () => {
    expect(verifyJwt(signJwt({ ...claims, iat: 1000 + CLOCK_SKEW_SEC + 1 }, key), key.publicKey, 1000)).toEqual({
      ok: false,
      reason: 'MALFORMED',
    });
    expect(verifyJwt(signJwt({ ...claims, iat: 1000 + CLOCK_SKEW_SEC }, key), key.publicKey, 1000).ok).toBe(true);
    expect(jwtKeyId(signJwt(claims, generateJwtKey("x' OR 1=1 --")))).toBeUndefined();
    expect(jwtKeyId(signJwt(claims, generateJwtKey('2026-11-25-0123456789ab')))).toBe('2026-11-25-0123456789ab');
  });

  it('ignore a token claiming another algorithm', () => {
    const [, p] = signJwt(claims, key).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: '2026-01-01-00000000000a' })).toString('base64url')}.${p}.`;
    expect(jwtKeyId(none)).toBeUndefined();
    expect(verifyJwt(none, key.publicKey, 1500).ok).toBe(false);
  });
});

describe('operator passwords', () => {
  it('are salted scrypt hashes that verify only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterx', a)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});
