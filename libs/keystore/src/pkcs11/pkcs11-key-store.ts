import type { SignatureAlgorithm } from '@kyso/pki';
import { createHash } from 'node:crypto';
import { KeyType, ObjectClass, PrivateKey, Session, SessionFlag, SessionObject, Slot, UserType } from 'graphene-pk11';
import { KeyStoreError } from '../errors';
import { checkedDigest, digestInfo, ecdsaRawToDer, P256_EC_PARAMS, p256Spki, rsaSpki } from '../der';
import type { DigestAlgorithm, KeyGenerator, KeyInfo, KeyRef, KeySigner, KeyStore } from '../key-store';
import { Semaphore } from '../semaphore';
import { formatKeyUri, KeyUriParts, parseKeyUri } from '../uri';
import { LoadedModule, loadModule, safely } from './module';

export interface Pkcs11KeyStoreOptions {
  /** Path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  /** The token is chosen by label: slot ids change when tokens are (re)initialised. */
  tokenLabel: string;
  /** User PIN; never logged. */
  pin: string;
  /**
   * Sessions signing in parallel. Each signature runs C_Sign on a libuv thread-pool thread, so the
   * process must start with UV_THREADPOOL_SIZE >= poolSize (libuv reads it at its first use).
   */
  poolSize: number;
  /** Bounded wait for a free session before SESSION_POOL_TIMEOUT. Default 10 s. */
  acquireTimeoutMs?: number;
  /**
   * A signature the token has not answered within this time fails with TOKEN_TIMEOUT and its
   * session is discarded (closed and replaced once the token answers). Default 10 s.
   */
  operationTimeoutMs?: number;
}

interface CachedKey {
  id: Buffer;
  label: string;
  key: PrivateKey;
  algorithm: SignatureAlgorithm;
  spki: Uint8Array;
}

/** One initialised module, logged in, with its sessions and the keys found on the token. */
interface Connection {
  loaded: LoadedModule;
  /** Where replacement sessions are opened. */
  slot: Slot;
  all: Session[];
  free: Session[];
  keys: CachedKey[];
  inflight: number;
  idle: Array<() => void>;
  broken: boolean;
}

/** CKS_RO_USER_FUNCTIONS, CKS_RW_USER_FUNCTIONS: logged in. */
const USER_FUNCTIONS_RO = 1;
const USER_FUNCTIONS_RW = 3;

/** PKCS#11 return values meaning the token, its host or our login went away: reconnect. */
const UNAVAILABLE =
  /CKR_(DEVICE_ERROR|DEVICE_REMOVED|TOKEN_NOT_PRESENT|TOKEN_NOT_RECOGNIZED|SESSION_HANDLE_INVALID|SESSION_CLOSED|CRYPTOKI_NOT_INITIALIZED|USER_NOT_LOGGED_IN|KEY_HANDLE_INVALID|OBJECT_HANDLE_INVALID|GENERAL_ERROR|DEVICE_MEMORY)/;

/**
 * Key store on a PKCS#11 token through graphene-pk11.
 *
 * - The module is initialised with CKF_OS_LOCKING_OK (asserted): C_Sign runs on libuv threads.
 * - A pool of sessions, each lent to one operation at a time; waiters queue fairly, bounded wait.
 * - Keys are found once at connect (object search is synchronous) and cached with their SPKI.
 * - Signing uses graphene's callback form only, so C_Sign never runs on the event loop.
 * - RSA: the host hashes (SHA-256; sign-hash gives its own SHA-256/384/512 digest) and the token
 *   signs DigestInfo with RSA_PKCS. Like ECDSA, only
 *   51 bytes cross to the token whatever the data size, which is what a network HSM wants, and
 *   every token supports it. ECDSA: host SHA-256, then ECDSA; raw r||s is converted to DER.
 * - A token that goes away fails the operation with TOKEN_UNAVAILABLE; the next call reconnects
 *   (C_Finalize + C_Initialize, needed e.g. for p11-kit-client after its server restarts).
 */
export class Pkcs11KeyStore implements KeyStore, KeyGenerator {
  private conn: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private readonly permits: Semaphore;
  private readonly acquireTimeoutMs: number;
  private readonly operationTimeoutMs: number;
  /** A refused PIN is not retried: repeated wrong logins lock real tokens. */
  private fatal: KeyStoreError | undefined;
  private closed = false;
  /** After a first connection, a missing token means its host went away, not a wrong label. */
  private connectedOnce = false;

  private constructor(private readonly opts: Pkcs11KeyStoreOptions) {
    if (!Number.isInteger(opts.poolSize) || opts.poolSize < 1)
      throw new RangeError('poolSize must be a positive integer');
    this.permits = new Semaphore(opts.poolSize);
    this.acquireTimeoutMs = opts.acquireTimeoutMs ?? 10_000;
    this.operationTimeoutMs = opts.operationTimeoutMs ?? 10_000;
  }

  /** Loads the module, finds the token by label, logs in, opens the sessions and finds the keys. */
  static async open(opts: Pkcs11KeyStoreOptions): Promise<Pkcs11KeyStore> {
    const store = new Pkcs11KeyStore(opts);
    await store.connection();
    return store;
  }

  /** A store that connects on first use (readiness reports false until the token answers). */
  static lazy(opts: Pkcs11KeyStoreOptions): Pkcs11KeyStore {
    return new Pkcs11KeyStore(opts);
  }

  get tokenLabel(): string {
    return this.opts.tokenLabel;
  }

  async findKey(ref: KeyRef): Promise<KeyInfo | undefined> {
    const parts = parseKeyUri(ref.uri);
    if (parts.token !== this.opts.tokenLabel) return undefined;
    // A key already found needs no session: signing looks its key up twice per signature, and a
    // permit taken for a cache hit would queue behind token operations under load.
    const live = this.conn && !this.conn.broken ? this.conn : undefined;
    const cached = live?.keys.find(keyMatcher(parts));
    if (cached) return this.info(cached);
    const key = await this.withSession(async (session, conn) => this.lookup(conn, session, parts));
    return key && this.info(key);
  }

  async signer(ref: KeyRef): Promise<KeySigner> {
    const info = await this.findKey(ref);
    if (!info) throw new KeyStoreError('KEY_NOT_FOUND', `No signing key ${ref.uri} on token "${this.opts.tokenLabel}"`);
    const parts = parseKeyUri(ref.uri);
    return {
      algorithm: info.algorithm,
      sign: (data) => this.signDigest(parts, ref.uri, 'SHA-256', createHash('sha256').update(data).digest()),
      signDigest: async (hashAlgorithm, digest) =>
        this.signDigest(parts, ref.uri, hashAlgorithm, checkedDigest(hashAlgorithm, digest)),
    };
  }

  async generateKey(opts: { label: string; id: Uint8Array; algorithm: SignatureAlgorithm }): Promise<KeyInfo> {
    if (!opts.label || opts.id.length === 0)
      throw new KeyStoreError('INVALID_KEY_URI', 'A generated key needs a label and a non-empty id');
    const id = Buffer.from(opts.id);
    return this.withSession(async (session, conn) => {
      if (this.lookup(conn, session, { token: this.opts.tokenLabel, id })) {
        throw new KeyStoreError(
          'KEY_EXISTS',
          `Token "${this.opts.tokenLabel}" already holds a key with id ${id.toString('hex')}`,
        );
      }
      const common = { token: true, label: opts.label, id };
      const priv = { ...common, sign: true, private: true, sensitive: true, extractable: false };
      const [mech, pub, prv] =
        opts.algorithm === 'RSASSA-PKCS1-v1_5-SHA256'
          ? [
              'RSA_PKCS_KEY_PAIR_GEN',
              {
                ...common,
                keyType: KeyType.RSA,
                verify: true,
                modulusBits: 2048,
                publicExponent: Buffer.from([1, 0, 1]),
              },
              { ...priv, keyType: KeyType.RSA },
            ]
          : opts.algorithm === 'ECDSA-P256-SHA256'
            ? [
                'EC_KEY_PAIR_GEN',
                { ...common, keyType: KeyType.EC, verify: true, paramsEC: P256_EC_PARAMS },
                { ...priv, keyType: KeyType.EC },
              ]
            : unsupported(opts.algorithm);
      // Callback form: RSA-2048 generation takes ~200 ms, off the event loop.
      const pair = await new Promise<{ privateKey: PrivateKey }>((resolve, reject) =>
        session.generateKeyPair(mech as string, pub, prv, (err, keys) => (err || !keys ? reject(err) : resolve(keys))),
      );
      const cached = this.describe(session, pair.privateKey);
      if (!cached) throw new KeyStoreError('TOKEN_ERROR', 'Generated key pair has no readable public key');
      conn.keys.push(cached);
      return this.info(cached);
    });
  }

  async isReady(): Promise<boolean> {
    if (this.closed || this.fatal) return false;
    try {
      const conn = await this.connection();
      // Under full load every session is busy: the pool itself shows the token answers.
      if (this.permits.available === 0) return !conn.broken;
      // C_GetSessionInfo: one quick round trip that fails when the token or its host is gone.
      return await this.withSession(async (session) => {
        (session as unknown as { getInfo(): void }).getInfo();
        return session.state === USER_FUNCTIONS_RO || session.state === USER_FUNCTIONS_RW;
      }, 1_000);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await this.teardown(conn);
  }

  /** Every signature: the host hashed, the token signs the DigestInfo (RSA_PKCS) or the digest (ECDSA). */
  private async signDigest(
    parts: KeyUriParts,
    uri: string,
    hashAlgorithm: DigestAlgorithm,
    digest: Buffer,
  ): Promise<Uint8Array> {
    return this.withSession(async (session, conn, lease) => {
      const key = this.lookup(conn, session, parts);
      if (!key) throw new KeyStoreError('KEY_NOT_FOUND', `No signing key ${uri} on token "${this.opts.tokenLabel}"`);
      const rsa = key.algorithm === 'RSASSA-PKCS1-v1_5-SHA256';
      const input = rsa ? digestInfo(hashAlgorithm, digest) : digest;
      const signer = session.createSign(rsa ? 'RSA_PKCS' : 'ECDSA', key.key);
      // Never the synchronous once(data): that runs C_Sign on the event loop.
      const operation = new Promise<Buffer>((resolve, reject) =>
        signer.once(input, (err, sig) => (err ? reject(err) : resolve(sig))),
      );
      const raw = await this.bounded(operation, lease);
      return rsa ? new Uint8Array(raw) : ecdsaRawToDer(raw);
    });
  }

  /**
   * The operation's result, or TOKEN_TIMEOUT after operationTimeoutMs. A C_Sign cannot be
   * cancelled: the lease then stays out (session, permit, in-flight count) until the token answers.
   */
  private bounded<T>(operation: Promise<T>, lease: Lease): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        lease.abandoned = operation.then(
          () => undefined,
          () => undefined,
        );
        reject(
          new KeyStoreError(
            'TOKEN_TIMEOUT',
            `Token "${this.opts.tokenLabel}" did not answer within ${this.operationTimeoutMs} ms; its session is discarded`,
          ),
        );
      }, this.operationTimeoutMs);
    });
    return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
  }

  /** Lends one session of the current connection to `fn`, reconnecting first when needed. */
  private async withSession<T>(
    fn: (session: Session, conn: Connection, lease: Lease) => Promise<T>,
    timeoutMs = this.acquireTimeoutMs,
  ): Promise<T> {
    await this.permits.acquire(timeoutMs);
    let conn: Connection | undefined;
    const lease: Lease = {};
    try {
      for (;;) {
        const c = await this.connection();
        // Checked synchronously with the increment: a reconnect never tears down a lent session.
        if (c === this.conn && !c.broken) {
          conn = c;
          break;
        }
      }
      conn.inflight++;
      const session = conn.free.pop()!;
      try {
        return await fn(session, conn, lease);
      } catch (e) {
        throw this.translate(e, conn);
      } finally {
        if (lease.abandoned) void this.discardLater(conn, session, lease.abandoned);
        else conn.free.push(session);
      }
    } finally {
      if (!lease.abandoned) {
        if (conn && --conn.inflight === 0) conn.idle.splice(0).forEach((wake) => wake());
        this.permits.release();
      }
    }
  }

  /**
   * A session whose operation timed out is never lent again: once the token answers, it is closed
   * and a fresh one takes its place; only then are its permit and in-flight count given back (until
   * then a reconnect must not finalize the module under a running C_Sign).
   */
  private async discardLater(conn: Connection, session: Session, settled: Promise<void>): Promise<void> {
    await settled;
    safely(() => session.close());
    const i = conn.all.indexOf(session);
    if (i >= 0) conn.all.splice(i, 1);
    if (!conn.broken && !this.closed) {
      try {
        const fresh = conn.slot.open(SessionFlag.SERIAL_SESSION | SessionFlag.RW_SESSION);
        conn.all.push(fresh);
        conn.free.push(fresh);
      } catch {
        // The token went away meanwhile: a reconnect opens a full pool again.
        conn.broken = true;
      }
    } else {
      conn.broken = true;
    }
    if (--conn.inflight === 0) conn.idle.splice(0).forEach((wake) => wake());
    this.permits.release();
  }

  private translate(e: unknown, conn: Connection): unknown {
    if (e instanceof KeyStoreError) return e;
    const message = (e as Error)?.message ?? String(e);
    if (UNAVAILABLE.test(message)) {
      conn.broken = true;
      return new KeyStoreError(
        'TOKEN_UNAVAILABLE',
        `Token "${this.opts.tokenLabel}" is unavailable (${message}); reconnecting on the next call`,
        { cause: e },
      );
    }
    return new KeyStoreError('TOKEN_ERROR', `PKCS#11 operation failed: ${message}`, { cause: e });
  }

  /** The live connection; replaces a broken one once every operation on it has finished. */
  private connection(): Promise<Connection> {
    if (this.closed) return Promise.reject(new KeyStoreError('STORE_CLOSED', 'The key store is closed'));
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.conn && !this.conn.broken) return Promise.resolve(this.conn);
    this.connecting ??= (async () => {
      const old = this.conn;
      if (old) {
        while (old.inflight > 0) await new Promise<void>((wake) => old.idle.push(wake));
        this.conn = undefined;
        await this.teardown(old);
      }
      if (this.closed) throw new KeyStoreError('STORE_CLOSED', 'The key store is closed');
      try {
        this.conn = this.connect();
      } catch (e) {
        if (this.connectedOnce && e instanceof KeyStoreError && e.code === 'TOKEN_NOT_FOUND') {
          throw new KeyStoreError(
            'TOKEN_UNAVAILABLE',
            `Token "${this.opts.tokenLabel}" is not present yet: ${e.message}`,
            { cause: e },
          );
        }
        throw e;
      }
      this.connectedOnce = true;
      return this.conn;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Synchronous PKCS#11 calls: only at start-up and on reconnect, never per request. */
  private connect(): Connection {
    const loaded = loadModule(this.opts.modulePath);
    try {
      const slots = loaded.module.getSlots(true);
      let slot;
      for (let i = 0; i < slots.length && !slot; i++) {
        if (slots.items(i).getToken().label === this.opts.tokenLabel) slot = slots.items(i);
      }
      if (!slot)
        throw new KeyStoreError(
          'TOKEN_NOT_FOUND',
          `No token labelled "${this.opts.tokenLabel}" in ${this.opts.modulePath}`,
        );
      const all: Session[] = [];
      for (let i = 0; i < this.opts.poolSize; i++)
        all.push(slot.open(SessionFlag.SERIAL_SESSION | SessionFlag.RW_SESSION));
      this.login(all[0]);
      const keys = this.loadKeys(all[0]);
      return { loaded, slot, all, free: [...all], keys, inflight: 0, idle: [], broken: false };
    } catch (e) {
      loaded.release();
      if (e instanceof KeyStoreError) throw e;
      throw new KeyStoreError(
        'TOKEN_UNAVAILABLE',
        `Cannot open token "${this.opts.tokenLabel}": ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  private login(session: Session): void {
    try {
      session.login(this.opts.pin, UserType.USER);
    } catch (e) {
      const message = (e as Error).message;
      // Login is per token, not per session: already logged in is success.
      if (/CKR_USER_ALREADY_LOGGED_IN/.test(message)) return;
      if (/CKR_PIN_INCORRECT|CKR_PIN_INVALID|CKR_PIN_LEN_RANGE/.test(message)) {
        throw (this.fatal = new KeyStoreError('PIN_INCORRECT', `The token "${this.opts.tokenLabel}" refused the PIN`));
      }
      if (/CKR_PIN_LOCKED|CKR_PIN_EXPIRED/.test(message)) {
        throw (this.fatal = new KeyStoreError(
          'PIN_LOCKED',
          `The user PIN of token "${this.opts.tokenLabel}" is locked or expired`,
        ));
      }
      throw e;
    }
  }

  private loadKeys(session: Session): CachedKey[] {
    const found = session.find({ class: ObjectClass.PRIVATE_KEY });
    const keys: CachedKey[] = [];
    for (let i = 0; i < found.length; i++) {
      const k = this.describe(session, found.items(i).toType<PrivateKey>());
      if (k) keys.push(k);
    }
    return keys;
  }

  /** Algorithm and SPKI of a private key; undefined for keys this store cannot sign with. */
  private describe(session: Session, key: PrivateKey): CachedKey | undefined {
    const a = key.getAttribute({ id: null, label: null, keyType: null }) as {
      id: Buffer;
      label: string;
      keyType: number;
    };
    const id = Buffer.from(a.id ?? []);
    if (a.keyType === KeyType.RSA) {
      const pub = key.getAttribute({ modulus: null, publicExponent: null }) as {
        modulus: Buffer;
        publicExponent: Buffer;
      };
      return {
        id,
        label: a.label,
        key,
        algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
        spki: rsaSpki(pub.modulus, pub.publicExponent),
      };
    }
    if (a.keyType === KeyType.EC && id.length > 0) {
      // A private EC key does not carry its point: read it from the public key of the same id.
      const pubs = session.find({ class: ObjectClass.PUBLIC_KEY, id });
      if (pubs.length === 0) return undefined;
      const pub = (pubs.items(0) as SessionObject).getAttribute({ paramsEC: null, pointEC: null }) as Record<
        string,
        Buffer | undefined
      >;
      // graphene names CKA_EC_PARAMS back as paramsECDSA (the same attribute type).
      const params = pub.paramsEC ?? pub.paramsECDSA;
      if (!params || !pub.pointEC || !Buffer.from(params).equals(P256_EC_PARAMS)) return undefined;
      return { id, label: a.label, key, algorithm: 'ECDSA-P256-SHA256', spki: p256Spki(pub.pointEC) };
    }
    return undefined;
  }

  /** From the cache; a miss searches the token once (keys added by another process) and caches. */
  private lookup(conn: Connection, session: Session, parts: KeyUriParts): CachedKey | undefined {
    const matches = keyMatcher(parts);
    const hit = conn.keys.find(matches);
    if (hit) return hit;
    const template: Record<string, unknown> = { class: ObjectClass.PRIVATE_KEY };
    if (parts.id) template.id = Buffer.from(parts.id);
    if (parts.object !== undefined) template.label = parts.object;
    const found = session.find(template);
    for (let i = 0; i < found.length; i++) {
      const k = this.describe(session, found.items(i).toType<PrivateKey>());
      if (k && matches(k)) {
        conn.keys.push(k);
        return k;
      }
    }
    return undefined;
  }

  private info(k: CachedKey): KeyInfo {
    return {
      ref: { uri: formatKeyUri({ token: this.opts.tokenLabel, id: k.id, object: k.label || undefined }) },
      algorithm: k.algorithm,
      publicKeySpki: k.spki,
    };
  }

  private async teardown(conn: Connection): Promise<void> {
    while (conn.inflight > 0) await new Promise<void>((wake) => conn.idle.push(wake));
    if (!conn.broken && conn.all[0]) safely(() => conn.all[0].logout());
    for (const s of conn.all) safely(() => s.close());
    conn.loaded.release();
  }
}

const keyMatcher =
  (parts: KeyUriParts) =>
  (k: { id: Buffer; label: string }): boolean =>
    (!parts.id || k.id.equals(Buffer.from(parts.id))) && (parts.object === undefined || k.label === parts.object);

/** One loan of a session; `abandoned` is set when its operation timed out (settles when the token answers). */
interface Lease {
  abandoned?: Promise<void>;
}

function unsupported(algorithm: never): never {
  throw new KeyStoreError('UNSUPPORTED_ALGORITHM', `Cannot generate keys for ${String(algorithm)}`);
}
