import { Certificate, toPem } from '@kyso/pki';

import type { TrustAnchorPurpose } from '@kyso/contracts';
// What an anchor is trusted for is part of the view the verifier reads: an internal contract.
export { TRUST_ANCHOR_PURPOSES } from '@kyso/contracts';
export type { TrustAnchorPurpose };

export interface TrustAnchor {
  id: string;
  name: string;
  /** SHA-256 of the DER, upper-case hex (Certificate.sha256Hex). */
  sha256: string;
  subject: string;
  certificateDer: Uint8Array;
  purpose: TrustAnchorPurpose;
  /** A disabled anchor is kept (and audited) but no longer served to the verifier. */
  disabledAt: Date | null;
  createdAt: Date;
}

export type NewTrustAnchor = Omit<TrustAnchor, 'id' | 'createdAt' | 'disabledAt'>;

export interface TrustAnchorView {
  id: string;
  name: string;
  sha256: string;
  subject: string;
  certificatePem: string;
  purpose: TrustAnchorPurpose;
  enabled: boolean;
  disabledAt: string | null;
  createdAt: string;
}

export const toTrustAnchorView = (t: TrustAnchor): TrustAnchorView => ({
  id: t.id,
  name: t.name,
  sha256: t.sha256,
  subject: t.subject,
  certificatePem: toPem('CERTIFICATE', t.certificateDer),
  purpose: t.purpose,
  enabled: t.disabledAt === null,
  disabledAt: t.disabledAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
});

/** The audit log's picture of an anchor: its identity, not its bytes. */
export const trustAnchorSnapshot = (t: TrustAnchor) => ({
  name: t.name,
  sha256: t.sha256,
  subject: t.subject,
  purpose: t.purpose,
  enabled: t.disabledAt === null,
});

const BASIC_CONSTRAINTS = '2.5.29.19';

/** basicConstraints cA = TRUE (RFC 5280 4.2.1.9). */
export function isCaCertificate(cert: Certificate): boolean {
  const parsed = cert.extension(BASIC_CONSTRAINTS)?.parsedValue as { cA?: boolean } | undefined;
  return parsed?.cA === true;
}

/** Self-issued and its signature verifies with its own key: a root someone chose to trust directly. */
export async function isSelfSigned(cert: Certificate): Promise<boolean> {
  if (!cert.isSelfIssued) return false;
  try {
    return await cert.pkijs.verify();
  } catch {
    return false;
  }
}

/** A trust anchor must be able to anchor a path: a CA, or a certificate that signs itself. */
export async function canBeTrustAnchor(cert: Certificate): Promise<boolean> {
  return isCaCertificate(cert) || (await isSelfSigned(cert));
}
