import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createActiveTestToken, TestToken } from '../../../../test/support/token';
import { isKeyStoreError } from '../errors';
import type { KeyInfo } from '../key-store';
import { Pkcs11KeyStore } from './pkcs11-key-store';

// C_Sign runs on libuv threads; jest's worker already started libuv's default 4, matching poolSize 4.
function verifies(info: KeyInfo, data: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(info.publicKeySpki), format: 'der', type: 'spki' });
  return info.algorithm === 'ECDSA-P256-SHA256'
    ? verify('sha256', data, { key, dsaEncoding: 'der' }, signature)
    : verify('sha256', data, key, signature);
}

describe('Pkcs11KeyStore on SoftHSM2', () => {
  let token: TestToken;
  let store: Pkcs11KeyStore;
  let rsa: KeyInfo;
  let ec: KeyInfo;

  beforeAll(async () => {
    // SoftHSM2 reads SOFTHSM2_CONF at C_Initialize: set (in the real environment) before the store opens.
    token = await createActiveTestToken();
    store = await Pkcs11KeyStore.open({
      modulePath: token.modulePath,
      tokenLabel: token.label,
      pin: token.pin,
      poolSize: 4,
    });
    rsa = await store.generateKey({
      label: 'nguyen-van-a',
      id: Buffer.from([1, 2]),
      algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
    });
    ec = await store.generateKey({ label: 'tran-thi-b', id: Buffer.from([3, 4]), algorithm: 'ECDSA-P256-SHA256' });
  });

  afterAll(async () => {
    await store?.close();
    await token?.remove();
  });

  it('generates RSA-2048 and P-256 keys whose SPKI node:crypto reads', () => {
    const r = createPublicKey({ key: Buffer.from(rsa.publicKeySpki), format: 'der', type: 'spki' });
    const e = createPublicKey({ key: Buffer.from(ec.publicKeySpki), format: 'der', type: 'spki' });
    expect(r.asymmetricKeyType).toBe('rsa');
    expect(r.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(e.asymmetricKeyType).toBe('ec');
    expect(e.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(rsa.ref.uri).toBe(`pkcs11:token=${token.label};id=%01%02;object=nguyen-van-a`);
  });

  it('signs with RSA and ECDSA keys, and node:crypto verifies the signatures', async () => {
    const data = randomBytes(1000);
    for (const info of [rsa, ec]) {
      const signer = await store.signer(info.ref);
      expect(signer.algorithm).toBe(info.algorithm);
      const sig = await signer.sign(data);
      expect(verifies(info, data, sig)).toBe(true);
      expect(verifies(info, randomBytes(1000), sig)).toBe(false);
    }
  });

  it.each(['SHA-256', 'SHA-384', 'SHA-512'] as const)(
    'signs a %s digest given by the caller (RSA DigestInfo, ECDSA as DER): node:crypto verifies it over the data',
    async (hashAlgorithm) => {
      const data = randomBytes(1000);
      const nodeHash = hashAlgorithm.replace('-', '').toLowerCase();
      for (const info of [rsa, ec]) {
        const signer = await store.signer(info.ref);
        const sig = await signer.signDigest(hashAlgorithm, createHash(nodeHash).update(data).digest());
        const key = createPublicKey({ key: Buffer.from(info.publicKeySpki), format: 'der', type: 'spki' });
        const opts = info === ec ? { key, dsaEncoding: 'der' as const } : key;
        expect(verify(nodeHash, data, opts, sig)).toBe(true);
        expect(verify(nodeHash, randomBytes(1000), opts, sig)).toBe(false);
      }
      const signer = await store.signer(rsa.ref);
      await expect(signer.signDigest(hashAlgorithm, Buffer.alloc(20))).rejects.toMatchObject({
        code: 'INVALID_DIGEST',
      });
    },
  );

  it('finds keys by id alone or by label alone, and not on another token', async () => {
    expect((await store.findKey({ uri: `pkcs11:token=${token.label};id=%03%04` }))?.algorithm).toBe(
      'ECDSA-P256-SHA256',
    );
    expect((await store.findKey({ uri: `pkcs11:token=${token.label};object=nguyen-van-a` }))?.publicKeySpki).toEqual(
      rsa.publicKeySpki,
    );
    expect(await store.findKey({ uri: `pkcs11:token=${token.label};id=%09` })).toBeUndefined();
    expect(await store.findKey({ uri: `pkcs11:token=other;id=%01%02` })).toBeUndefined();
    await expect(store.signer({ uri: `pkcs11:token=${token.label};id=%09` })).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
    });
  });

  it('refuses a second key with an existing id', async () => {
    await expect(
      store.generateKey({ label: 'x', id: Buffer.from([1, 2]), algorithm: 'ECDSA-P256-SHA256' }),
    ).rejects.toMatchObject({ code: 'KEY_EXISTS' });
  });

  it('generated keys are token objects: a new store finds them after reconnecting', async () => {
    await store.close();
    store = await Pkcs11KeyStore.open({
      modulePath: token.modulePath,
      tokenLabel: token.label,
      pin: token.pin,
      poolSize: 4,
    });
    expect((await store.findKey(ec.ref))?.publicKeySpki).toEqual(ec.publicKeySpki);
    expect(await store.isReady()).toBe(true);
  });

  it('signs 200 times concurrently through 4 sessions and every signature verifies (needs CKF_OS_LOCKING_OK)', async () => {
    const signers = await Promise.all([store.signer(rsa.ref), store.signer(ec.ref)]);
    const jobs = Array.from({ length: 200 }, (_, i) => {
      const data = randomBytes(64);
      const signer = signers[i % 2];
      return signer.sign(data).then((sig) => verifies(i % 2 ? ec : rsa, data, sig));
    });
    const results = await Promise.all(jobs);
    expect(results.filter((ok) => ok)).toHaveLength(200);
  });

  it('keeps the event loop free while 200 signatures run (C_Sign runs on the thread pool)', async () => {
    const signer = await store.signer(rsa.ref);
    // Counts event-loop turns while the signatures run: a synchronous C_Sign finishes all 200 before
    // the loop turns once (0 turns); the callback form lets it turn between completions. An
    // ordering fact rather than a time threshold, so a loaded machine cannot make it flaky.
    let turns = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const data = randomBytes(64);
    try {
      await Promise.all(Array.from({ length: 200 }, () => signer.sign(data)));
    } finally {
      spinning = false;
    }
    expect(turns).toBeGreaterThan(5);
  });

  it('bounds the wait for a session with a typed timeout', async () => {
    const small = await (async () => {
      await store.close();
      return Pkcs11KeyStore.open({
        modulePath: token.modulePath,
        tokenLabel: token.label,
        pin: token.pin,
        poolSize: 1,
        acquireTimeoutMs: 1,
      });
    })();
    store = small;
    const signer = await store.signer(rsa.ref);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => signer.sign(randomBytes(8))));
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((r) => isKeyStoreError(r.reason, 'SESSION_POOL_TIMEOUT'))).toBe(true);
  });

  it('refuses a wrong PIN and an unknown token label with typed errors', async () => {
    await store.close();
    await expect(
      Pkcs11KeyStore.open({ modulePath: token.modulePath, tokenLabel: token.label, pin: '000000', poolSize: 1 }),
    ).rejects.toMatchObject({
      code: 'PIN_INCORRECT',
    });
    await expect(
      Pkcs11KeyStore.open({ modulePath: token.modulePath, tokenLabel: 'no-such-token', pin: token.pin, poolSize: 1 }),
    ).rejects.toMatchObject({
      code: 'TOKEN_NOT_FOUND',
    });
    await expect(
      Pkcs11KeyStore.open({ modulePath: '/nonexistent/lib.so', tokenLabel: token.label, pin: token.pin, poolSize: 1 }),
    ).rejects.toMatchObject({
      code: 'MODULE_LOAD_FAILED',
    });
    // The failed attempts released the module: a good store opens again in this process.
    store = await Pkcs11KeyStore.open({
      modulePath: token.modulePath,
      tokenLabel: token.label,
      pin: token.pin,
      poolSize: 2,
    });
    expect(await store.isReady()).toBe(true);
  });

  it('allows one open store per module in a process, and reports a closed store', async () => {
    await expect(
      Pkcs11KeyStore.open({ modulePath: token.modulePath, tokenLabel: token.label, pin: token.pin, poolSize: 1 }),
    ).rejects.toMatchObject({
      code: 'MODULE_IN_USE',
    });
    const closed = store;
    await closed.close();
    expect(await closed.isReady()).toBe(false);
    await expect(closed.findKey(rsa.ref)).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
