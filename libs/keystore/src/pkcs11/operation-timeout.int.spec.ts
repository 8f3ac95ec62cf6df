import { pbkdf2, randomBytes } from 'node:crypto';
import { createActiveTestToken, TestToken } from '../../../../test/support/token';
import type { KeyInfo } from '../key-store';
import { Pkcs11KeyStore } from './pkcs11-key-store';

/**
 * C_Sign runs on libuv's thread pool. Filling that pool with long work makes the token's answer
 * late in a way this test controls: the signature must fail with TOKEN_TIMEOUT after the bounded
 * time, and once the late answer arrives the session is replaced and signing works again.
 */
describe('Pkcs11KeyStore operation timeout (SoftHSM2)', () => {
  let token: TestToken;
  let store: Pkcs11KeyStore;
  let key: KeyInfo;

  beforeAll(async () => {
    token = await createActiveTestToken();
    store = await Pkcs11KeyStore.open({
      modulePath: token.modulePath,
      tokenLabel: token.label,
      pin: token.pin,
      poolSize: 2,
      operationTimeoutMs: 200,
    });
    key = await store.generateKey({ label: 'late', id: Buffer.from([0x42]), algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
  });

  afterAll(async () => {
    await store?.close();
    await token?.remove();
  });

  const sign = async () => (await store.signer(key.ref)).sign(randomBytes(32));
  /** Many seconds of thread-pool work queued ahead of anything submitted after it. */
  const flood = () =>
    Promise.all(
      Array.from(
        { length: 64 },
        () =>
          new Promise<void>((resolve, reject) =>
            pbkdf2('x', 'salt', 20_000, 64, 'sha512', (e) => (e ? reject(e) : resolve())),
          ),
      ),
    );

  it('fails a late signature with TOKEN_TIMEOUT and replaces its session once the token answers', async () => {
    expect((await sign()).length).toBe(256);
    const busy = flood();
    const started = Date.now();
    await expect(sign()).rejects.toMatchObject({ code: 'TOKEN_TIMEOUT' });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1_500);
    await busy;
    // The late answer has arrived meanwhile (or arrives now): the pool is whole again.
    await new Promise((r) => setTimeout(r, 50));
    const results = await Promise.all([sign(), sign(), sign(), sign()]);
    expect(results.every((s) => s.length === 256)).toBe(true);
    expect(await store.isReady()).toBe(true);
  });
});
