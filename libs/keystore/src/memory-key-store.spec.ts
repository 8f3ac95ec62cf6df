import { createHash, createPublicKey, verify } from 'node:crypto';
import { canGenerate } from './key-store';
import { MemoryKeyStore } from './memory-key-store';

describe('MemoryKeyStore', () => {
  it('generates, finds and signs with RSA and P-256 keys; node:crypto verifies', async () => {
    const store = new MemoryKeyStore('mem');
    expect(canGenerate(store)).toBe(true);
    for (const algorithm of ['RSASSA-PKCS1-v1_5-SHA256', 'ECDSA-P256-SHA256'] as const) {
      const info = await store.generateKey({ label: algorithm, id: Buffer.from(algorithm), algorithm });
      expect(await store.findKey(info.ref)).toEqual(info);
      const signer = await store.signer(info.ref);
      const sig = await signer.sign(Buffer.from('dữ liệu'));
      const key = createPublicKey({ key: Buffer.from(info.publicKeySpki), format: 'der', type: 'spki' });
      expect(
        verify(
          'sha256',
          Buffer.from('dữ liệu'),
          algorithm.startsWith('ECDSA') ? { key, dsaEncoding: 'der' } : key,
          sig,
        ),
      ).toBe(true);
    }
    await expect(store.signer({ uri: 'pkcs11:token=mem;id=%ff' })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(
      store.generateKey({ label: 'again', id: Buffer.from('ECDSA-P256-SHA256'), algorithm: 'ECDSA-P256-SHA256' }),
    ).rejects.toMatchObject({
      code: 'KEY_EXISTS',
    });
    await store.close();
    expect(await store.isReady()).toBe(false);
  });
});

describe('MemoryKeyStore.signDigest', () => {
  const data = Buffer.from('Quyết định số 12/QĐ-UBND');

  it.each(['SHA-256', 'SHA-384', 'SHA-512'] as const)(
    'signs a %s digest with RSA and P-256: node:crypto verifies it over the data, not over other data',
    async (hashAlgorithm) => {
      const store = new MemoryKeyStore('mem');
      const nodeHash = hashAlgorithm.replace('-', '').toLowerCase();
      for (const algorithm of ['RSASSA-PKCS1-v1_5-SHA256', 'ECDSA-P256-SHA256'] as const) {
        const info = await store.generateKey({ label: algorithm, id: Buffer.from(algorithm), algorithm });
        const signer = await store.signer(info.ref);
        const sig = await signer.signDigest(hashAlgorithm, createHash(nodeHash).update(data).digest());
        const key = createPublicKey({ key: Buffer.from(info.publicKeySpki), format: 'der', type: 'spki' });
        const opts = algorithm.startsWith('ECDSA') ? { key, dsaEncoding: 'der' as const } : key;
        expect(verify(nodeHash, data, opts, sig)).toBe(true);
        expect(verify(nodeHash, Buffer.from('khác'), opts, sig)).toBe(false);
      }
    },
  );

  it('refuses a digest of the wrong length for its algorithm', async () => {
    const store = new MemoryKeyStore('mem');
    const info = await store.generateKey({ label: 'r', id: Buffer.from([1]), algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
    const signer = await store.signer(info.ref);
    await expect(signer.signDigest('SHA-384', Buffer.alloc(32))).rejects.toMatchObject({ code: 'INVALID_DIGEST' });
  });
});
