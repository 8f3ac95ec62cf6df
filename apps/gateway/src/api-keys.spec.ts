import { apiKeyPrefix, generateApiKey, hashApiKey, sameHash } from './api-keys';

describe('API keys', () => {
  it('have the form kyso_<8 hex prefix>_<56 hex secret>, 256 random bits in all', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^kyso_[0-9a-f]{8}_[0-9a-f]{56}$/);
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(hash).toBe(hashApiKey(key));
    expect(hash).not.toContain(key.slice(14));
  });

  it('are different each time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey().key));
    expect(keys.size).toBe(50);
  });

  it('yield no prefix when malformed', () => {
    for (const bad of [
      '',
      'kyso_',
      'kyso_abcd_ef',
      `kyso_ABCDEF12_${'0'.repeat(56)}`,
      `kyso_abcdef12_${'0'.repeat(55)}`,
      `xkyso_abcdef12_${'0'.repeat(56)}`,
    ]) {
      expect(apiKeyPrefix(bad)).toBeUndefined();
    }
  });

  it('compare hashes in full', () => {
    const h = hashApiKey('a');
    expect(sameHash(h, hashApiKey('a'))).toBe(true);
    expect(sameHash(h, hashApiKey('b'))).toBe(false);
    expect(sameHash(h, h.slice(0, 10))).toBe(false);
  });
});
