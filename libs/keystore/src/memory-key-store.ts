import type { SignatureAlgorithm } from '@kyso/pki';
import { constants, generateKeyPairSync, KeyObject, privateEncrypt, sign as cryptoSign } from 'node:crypto';
import { checkedDigest, digestInfo } from './der';
import { ecdsaP256SignDigest } from './ecdsa-p256';
import { KeyStoreError } from './errors';
import type { KeyGenerator, KeyInfo, KeyRef, KeySigner, KeyStore } from './key-store';
import { formatKeyUri, parseKeyUri } from './uri';

interface MemoryKey {
  info: KeyInfo;
  id: Buffer;
  label: string;
  privateKey: KeyObject;
}

/**
 * Software keys in memory (node:crypto), named by the same PKCS#11 URIs as token keys: a real
 * signer for tests and tools that need no token. Not for production keys.
 */
export class MemoryKeyStore implements KeyStore, KeyGenerator {
  private readonly keys: MemoryKey[] = [];
  private closed = false;

  constructor(readonly tokenLabel = 'memory') {}

  async generateKey(opts: { label: string; id: Uint8Array; algorithm: SignatureAlgorithm }): Promise<KeyInfo> {
    this.assertOpen();
    const id = Buffer.from(opts.id);
    if (id.length === 0 || !opts.label)
      throw new KeyStoreError('INVALID_KEY_URI', 'A generated key needs a label and a non-empty id');
    if (this.keys.some((k) => k.id.equals(id)))
      throw new KeyStoreError('KEY_EXISTS', `A key with id ${id.toString('hex')} exists`);
    const pair =
      opts.algorithm === 'RSASSA-PKCS1-v1_5-SHA256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
        : opts.algorithm === 'ECDSA-P256-SHA256'
          ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
          : (() => {
              throw new KeyStoreError('UNSUPPORTED_ALGORITHM', `Cannot generate keys for ${String(opts.algorithm)}`);
            })();
    const info: KeyInfo = {
      ref: { uri: formatKeyUri({ token: this.tokenLabel, id, object: opts.label }) },
      algorithm: opts.algorithm,
      publicKeySpki: new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' })),
    };
    this.keys.push({ info, id, label: opts.label, privateKey: pair.privateKey });
    return info;
  }

  async findKey(ref: KeyRef): Promise<KeyInfo | undefined> {
    this.assertOpen();
    return this.find(ref)?.info;
  }

  async signer(ref: KeyRef): Promise<KeySigner> {
    this.assertOpen();
    const key = this.find(ref);
    if (!key) throw new KeyStoreError('KEY_NOT_FOUND', `No signing key ${ref.uri}`);
    const ecdsa = key.info.algorithm === 'ECDSA-P256-SHA256';
    return {
      algorithm: key.info.algorithm,
      // DER ECDSA-Sig-Value, as CMS carries it.
      sign: async (data) =>
        new Uint8Array(
          cryptoSign('sha256', data, ecdsa ? { key: key.privateKey, dsaEncoding: 'der' } : key.privateKey),
        ),
      // RSA: PKCS#1 v1.5 type-1 padding of the DigestInfo is exactly RSASSA-PKCS1-v1_5 (RFC 8017 8.2.1).
      signDigest: async (hashAlgorithm, digest) =>
        ecdsa
          ? ecdsaP256SignDigest(
              Buffer.from(key.privateKey.export({ format: 'jwk' }).d!, 'base64url'),
              checkedDigest(hashAlgorithm, digest),
            )
          : new Uint8Array(
              privateEncrypt(
                { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING },
                digestInfo(hashAlgorithm, digest),
              ),
            ),
    };
  }

  async isReady(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private find(ref: KeyRef): MemoryKey | undefined {
    const parts = parseKeyUri(ref.uri);
    if (parts.token !== this.tokenLabel) return undefined;
    return this.keys.find(
      (k) =>
        (!parts.id || k.id.equals(Buffer.from(parts.id))) && (parts.object === undefined || k.label === parts.object),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new KeyStoreError('STORE_CLOSED', 'The key store is closed');
  }
}
