import { DevCa, generateSoftwareKey } from '../devca';
import { Certificate } from '../x509/certificate';
import { SIGNATURE_VERDICT_CACHE } from '../x509/key-cache';
import { STRICT_ALGORITHM_POLICY } from './algorithm-policy';
import { checkSignatureWithWorkingKey } from './checks';

const T0 = new Date('2025-06-01T00:00:00Z');
const codes = (r: { code: string }[]) => r.map((x) => x.code);

describe('checkSignatureWithWorkingKey: facts remembered per certificate and key object', () => {
  let root: DevCa;
  let other: DevCa;
  let leaf: Certificate;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Facts Root', notBefore: new Date('2024-01-01T00:00:00Z') });
    other = await DevCa.createRoot({ commonName: 'Facts Root', notBefore: new Date('2024-01-01T00:00:00Z') });
    leaf = await root.issue({
      subject: { CN: 'Trần Thị D' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('answers again without the verdict cache for the same objects, and never for another key', () => {
    const spki = root.certificate.publicKeySpki;
    expect(checkSignatureWithWorkingKey(leaf, spki, 0, STRICT_ALGORITHM_POLICY, T0)).toEqual([]);
    const lookups = SIGNATURE_VERDICT_CACHE.hits + SIGNATURE_VERDICT_CACHE.misses;
    expect(checkSignatureWithWorkingKey(leaf, spki, 0, STRICT_ALGORITHM_POLICY, T0)).toEqual([]);
    expect(SIGNATURE_VERDICT_CACHE.hits + SIGNATURE_VERDICT_CACHE.misses).toBe(lookups);
    // Another key (same name, other root) and then the same bytes in another object.
    const wrong = checkSignatureWithWorkingKey(leaf, other.certificate.publicKeySpki, 0, STRICT_ALGORITHM_POLICY, T0);
    expect(codes(wrong)).toEqual(['CERTIFICATE_SIGNATURE_INVALID']);
    expect(checkSignatureWithWorkingKey(leaf, new Uint8Array(spki), 0, STRICT_ALGORITHM_POLICY, T0)).toEqual([]);
    expect(codes(checkSignatureWithWorkingKey(leaf, spki, 3, STRICT_ALGORITHM_POLICY, T0))).toEqual([]);
  });

  it('judges the algorithm policy at each time asked, not at the first', () => {
    const spki = root.certificate.publicKeySpki;
    const from = '2025-03-01T00:00:00Z';
    const policy = {
      id: 'test-from-2025-03',
      rules: ['rsa', 'ec', 'ed25519'].map((keyType) => ({ keyType, minBits: 100_000, from })),
    };
    const before = new Date('2025-01-01T00:00:00Z');
    expect(checkSignatureWithWorkingKey(leaf, spki, 0, policy, before)).toEqual([]);
    expect(codes(checkSignatureWithWorkingKey(leaf, spki, 0, policy, T0))).toEqual(['ALGORITHM_NOT_ALLOWED']);
    expect(checkSignatureWithWorkingKey(leaf, spki, 0, policy, before)).toEqual([]);
  });
});
