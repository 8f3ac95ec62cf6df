/**
 * The one primitive PDF and CMS mechanics use to sign: "sign these bytes with this algorithm".
 * Whether the key is in SoftHSM, a network HSM or a test double is invisible here.
 */
export type SignatureAlgorithm = 'RSASSA-PKCS1-v1_5-SHA256' | 'ECDSA-P256-SHA256';

export interface RawSigner {
  readonly algorithm: SignatureAlgorithm;
  /**
   * Signs `data` (the DER of the CMS signed attributes, not a hash). For ECDSA the result is the
   * DER `ECDSA-Sig-Value` (SEQUENCE of r and s), as CMS and X.509 carry it.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}
