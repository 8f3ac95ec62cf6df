import fc from 'fast-check';
import { formatKeyUri, parseKeyUri } from './uri';

describe('PKCS#11 key URIs (RFC 7512)', () => {
  it('reads token, binary id and object label', () => {
    const p = parseKeyUri('pkcs11:token=kyso-dev;id=%01%02;object=nguyen%20van%20a?pin-source=file:/x');
    expect(p).toEqual({ token: 'kyso-dev', id: new Uint8Array([1, 2]), object: 'nguyen van a' });
  });

  it('round-trips any token label, id and object label, including ";" and Vietnamese text', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uint8Array({ minLength: 1, maxLength: 20 }),
        fc.option(fc.string(), { nil: undefined }),
        (token, id, object) => {
          const back = parseKeyUri(formatKeyUri({ token, id, object }));
          expect(back.token).toBe(token);
          expect(Buffer.from(back.id!)).toEqual(Buffer.from(id));
          expect(back.object).toBe(object);
        },
      ),
    );
    expect(formatKeyUri({ token: 'Sở Nội vụ;1', object: 'x' })).toBe(
      'pkcs11:token=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5%3B1;object=x',
    );
  });

  it.each([
    ['not a pkcs11 uri', 'file:/key'],
    ['no token', 'pkcs11:id=%01'],
    ['neither id nor object', 'pkcs11:token=a'],
    ['bad percent-encoding', 'pkcs11:token=a;id=%zz'],
    ['repeated attribute', 'pkcs11:token=a;id=%01;id=%02'],
  ])('refuses %s with INVALID_KEY_URI', (_name, uri) => {
    expect(() => parseKeyUri(uri)).toThrow(expect.objectContaining({ code: 'INVALID_KEY_URI' }));
  });
});
