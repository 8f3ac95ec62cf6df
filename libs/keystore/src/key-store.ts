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

export type DigestAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** A key's signer: signs data (as CMS and PDF need) or a digest the caller computed (sign-hash). */
export interface KeySigner extends RawSigner {
  /**
   * Signs a finished digest: RSA as RSASSA-PKCS1-v1_5 over its DigestInfo, ECDSA over the digest
   * (truncated to the curve order, as ECDSA does), the result DER `ECDSA-Sig-Value` like `sign`'s.
   * A digest of the wrong length for its algorithm is refused (INVALID_DIGEST).
   */
  signDigest(hashAlgorithm: DigestAlgorithm, digest: Uint8Array): Promise<Uint8Array>;
}

/** The operations every backend can do. */
export interface KeyStore {
  /** Finds a signing key; undefined when the token has no such key. */
  findKey(ref: KeyRef): Promise<KeyInfo | undefined>;
  /** A signer bound to the key; signing never blocks the event loop. */
  signer(ref: KeyRef): Promise<KeySigner>;
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
