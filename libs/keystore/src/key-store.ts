import type { RawSigner, SignatureAlgorithm } from '@kyso/pki';

/**
 * A key is named by a PKCS#11 URI (RFC 7512), e.g. `pkcs11:token=kyso-dev;id=%01%02;object=nguyen-van-a`.
 * The id is what the registry stores as the certificate's key reference.
 */
export interface KeyRef {
  uri: string;
}

export interface KeyInfo {
  ref: KeyRef;
  algorithm: SignatureAlgorithm;
  /** DER SubjectPublicKeyInfo of the key. */
  publicKeySpki: Uint8Array;
}

/** The operations every backend can do. */
export interface KeyStore {
  /** Finds a signing key; undefined when the token has no such key. */
  findKey(ref: KeyRef): Promise<KeyInfo | undefined>;
  /** A RawSigner bound to the key; signing never blocks the event loop. */
  signer(ref: KeyRef): Promise<RawSigner>;
  /** True when the token is reachable and logged in (readiness). */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** Optional capability: backends that can generate keys inside the token. */
export interface KeyGenerator {
  generateKey(opts: { label: string; id: Uint8Array; algorithm: SignatureAlgorithm }): Promise<KeyInfo>;
}

export function canGenerate(store: KeyStore): store is KeyStore & KeyGenerator {
  return typeof (store as Partial<KeyGenerator>).generateKey === 'function';
}
