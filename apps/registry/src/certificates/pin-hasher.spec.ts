import { parseScrypt, ScryptPinHasher } from './pin-hasher';

describe('ScryptPinHasher', () => {
  const hasher = new ScryptPinHasher({ N: 1 << 10, r: 8, p: 1, keyLength: 32 });

  it('verifies the PIN it hashed and refuses any other', async () => {
    const encoded = await hasher.hash('123456');
    expect(await hasher.verify('123456', encoded)).toBe(true);
    expect(await hasher.verify('123457', encoded)).toBe(false);
    expect(await hasher.verify('', encoded)).toBe(false);
  });

  it('never contains the PIN and salts every hash differently', async () => {
    const a = await hasher.hash('246810');
    const b = await hasher.hash('246810');
    expect(a).not.toContain('246810');
    expect(a).not.toEqual(b);
    expect(a).toMatch(/^scrypt\$N=1024,r=8,p=1\$/);
  });

  it('reads parameters from the stored value, so stronger defaults still verify old hashes', async () => {
    const old = await hasher.hash('9999');
    expect(await new ScryptPinHasher().verify('9999', old)).toBe(true);
  });

  it('refuses corrupted or hostile encodings instead of throwing', async () => {
    expect(await hasher.verify('1234', 'plain-text')).toBe(false);
    expect(parseScrypt('scrypt$N=1073741824,r=8,p=1$AAAA$' + 'A'.repeat(44))).toBeUndefined();
    expect(parseScrypt('scrypt$N=1000,r=8,p=1$AAAA$' + 'A'.repeat(44))).toBeUndefined();
  });
});
