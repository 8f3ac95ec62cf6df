import { createPublicKey, verify } from 'node:crypto';
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
