import fc from 'fast-check';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { ecdsaRawToDer, p256Spki, rsaSpki } from './der';

describe('DER helpers for token output', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('turns raw r||s into an ECDSA-Sig-Value that node:crypto verifies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const raw = sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
        const der = ecdsaRawToDer(raw);
        expect(verify('sha256', data, { key: ec.publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('encodes high-bit and leading-zero integers minimally', () => {
    const raw = Buffer.concat([Buffer.alloc(32, 0xff), Buffer.concat([Buffer.alloc(31, 0), Buffer.from([0x05])])]);
    expect(Buffer.from(ecdsaRawToDer(raw)).toString('hex')).toBe(`3026022100${'ff'.repeat(32)}020105`);
  });

  it('builds SPKI from an RSA modulus/exponent and from a P-256 EC_POINT (DER or bare)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = rsa.publicKey.export({ format: 'jwk' });
    const spki = rsaSpki(
      Buffer.concat([Buffer.from([0]), Buffer.from(jwk.n!, 'base64url')]),
      Buffer.from(jwk.e!, 'base64url'),
    );
    expect(Buffer.from(spki)).toEqual(rsa.publicKey.export({ type: 'spki', format: 'der' }));

    const ej = ec.publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(ej.x!, 'base64url'), Buffer.from(ej.y!, 'base64url')]);
    const expected = ec.publicKey.export({ type: 'spki', format: 'der' });
    expect(Buffer.from(p256Spki(Buffer.concat([Buffer.from([0x04, 0x41]), point])))).toEqual(expected);
    expect(Buffer.from(p256Spki(point))).toEqual(expected);
    expect(createPublicKey({ key: Buffer.from(p256Spki(point)), format: 'der', type: 'spki' }).asymmetricKeyType).toBe(
      'ec',
    );
    expect(() => p256Spki(point.subarray(1))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ALGORITHM' }));
  });
});
