import type { Certificate, TimestampClient } from '@kyso/pki';

/**
 * Seams the signing paths (PAdES, CAdES, sign-hash) share. Each is bound in SignerModule; until a
 * deployment configures one, the paths that need it refuse with a clear problem rather than
 * producing a weaker signature.
 */

/** What proves a certificate path good at signing time: embedded by B-LT, kept with the signing record. */
export interface SigningEvidence {
  /** The path, leaf first, as validated (trust anchor included). */
  certificates: Certificate[];
  /** DER CRLs and OCSP responses covering every certificate of the path but the anchor. */
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

/** Outcome of validating the signer's certificate before signing (Art 29, R14). */
export type CertificateCheckResult =
  | { ok: true; evidence: SigningEvidence }
  | {
      ok: false;
      code: string;
      message: string;
      messageVi: string;
      retryAfterSeconds?: number;
      /** The verifier's reasons (stable codes, English and Vietnamese), when it gave any. */
      reasons?: { code: string; message: string; messageVi: string }[];
    };

/** Validates a signer's certificate as the verifier would (path, validity, usage, revocation). */
export abstract class CertificateCheck {
  /** `timestamping`: a TSA's certificate (whose evidence B-LT embeds too); default a signer's. */
  abstract check(
    certificate: Certificate,
    chain: Certificate[],
    requestId?: string,
    purpose?: 'document-signing' | 'timestamping',
  ): Promise<CertificateCheckResult>;
}

/** The configured RFC 3161 TSA; undefined when none is configured. */
export abstract class TimestampAuthority {
  abstract client(): TimestampClient | undefined;
}
