import { jwtVerify, SignJWT } from 'jose';
import { CLOCK_SKEW_SEC, generateJwtKey, ISSUER, jwtKeyId, signJwt, verifyJwt } from './jwt';
import { hashPassword, verifyPassword } from './passwords';

/** The order of P-256: (r, n - s) verifies wherever (r, s) does. */
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const sOf = (token: string) =>
  BigInt(`0x${Buffer.from(token.split('.')[2], 'base64url').subarray(32).toString('hex')}`);
/** The other ECDSA signature over the same header and payload: s' = n - s. */
function flipS(token: string): string {
  const [h, p, s] = token.split('.');
  const sig = Buffer.from(s, 'base64url');
  const flipped = Buffer.from((N - sOf(token)).toString(16).padStart(64, '0'), 'hex');
  return `${h}.${p}.${Buffer.concat([sig.subarray(0, 32), flipped]).toString('base64url')}`;
}

describe('access tokens (ES256 JWS)', () => {
  const key = generateJwtKey('2026-01-01-00000000000a');
  const claims = { iss: ISSUER, sub: 'op', jti: 'j', iat: 1000, exp: 2000, typ: 'access' as const };

  it('verify with the key that signed them, until they expire', async () => {
    const t = await signJwt(claims, key);
    expect(jwtKeyId(t)).toBe('2026-01-01-00000000000a');
    expect(await verifyJwt(t, key.publicKey, 1500)).toEqual({ ok: true, claims });
    expect(await verifyJwt(t, key.publicKey, 2000)).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(await verifyJwt(t, generateJwtKey('k2').publicKey, 1500)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuse a token minted in the future beyond the clock skew, and a kid not of our making', async () => {
    expect(
      await verifyJwt(await signJwt({ ...claims, iat: 1000 + CLOCK_SKEW_SEC + 1 }, key), key.publicKey, 1000),
    ).toEqual({
      ok: false,
      reason: 'MALFORMED',
    });
    expect(
      (await verifyJwt(await signJwt({ ...claims, iat: 1000 + CLOCK_SKEW_SEC }, key), key.publicKey, 1000)).ok,
    ).toBe(true);
    expect(jwtKeyId(await signJwt(claims, generateJwtKey("x' OR 1=1 --")))).toBeUndefined();
    expect(jwtKeyId(await signJwt(claims, generateJwtKey('2026-11-25-0123456789ab')))).toBe('2026-11-25-0123456789ab');
  });

  it('ignore a token claiming another algorithm', async () => {
    const [, p] = (await signJwt(claims, key)).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: '2026-01-01-00000000000a' })).toString('base64url')}.${p}.`;
    expect(jwtKeyId(none)).toBeUndefined();
    expect((await verifyJwt(none, key.publicKey, 1500)).ok).toBe(false);
  });

  it('refuse tokens of another issuer or type, though signed by our key', async () => {
    const other = await signJwt({ ...claims, iss: 'someone-else' }, key);
    expect(await verifyJwt(other, key.publicKey, 1500)).toEqual({ ok: false, reason: 'MALFORMED' });
    const refresh = await signJwt({ ...claims, typ: 'refresh' as 'access' }, key);
    expect(await verifyJwt(refresh, key.publicKey, 1500)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('are signed in the low-S form, and the high-S twin of a valid token is refused', async () => {
    const raw = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
      .sign(key.privateKey);
    const highS = sOf(raw) > N / 2n ? raw : flipS(raw);
    // jose itself takes both forms: the check is ours.
    expect((await jwtVerify(highS, key.publicKey, { currentDate: new Date(1500_000) })).payload).toMatchObject(claims);
    expect(await verifyJwt(highS, key.publicKey, 1500)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect((await verifyJwt(flipS(highS), key.publicKey, 1500)).ok).toBe(true);

    for (let i = 0; i < 16; i++) {
      const t = await signJwt({ ...claims, jti: `k${i}` }, key);
      expect(sOf(t) <= N / 2n).toBe(true);
      expect((await verifyJwt(t, key.publicKey, 1500)).ok).toBe(true);
      expect(await verifyJwt(flipS(t), key.publicKey, 1500)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    }
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
