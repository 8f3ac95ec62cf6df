import { toPem } from '@kyso/pki';

// Part of the certificate view other services read: defined with the internal contracts.
import type { CertificateStatus, SubjectType } from '@kyso/contracts';
export { CERTIFICATE_STATUSES, SUBJECT_TYPES } from '@kyso/contracts';
export type { CertificateStatus, SubjectType };

/** A registered certificate as stored, including the PIN hash: it never leaves the service. */
export interface CertificateRecord {
  id: string;
  serialNumber: string;
  issuer: string;
  subject: string;
  subjectType: SubjectType;
  notBefore: Date;
  notAfter: Date;
  /** As stored; read `effectiveStatus` for what holds now. */
  status: CertificateStatus;
  revocationReason: string | null;
  revokedAt: Date | null;
  holderOfficialId: string | null;
  organizationId: string;
  deviceId: string | null;
  keyUri: string;
  certificateDer: Uint8Array;
  chainDer: Uint8Array[];
  sha256: string;
  /** SHA-256 of the public key: one key belongs to one subject (key-binding.ts). */
  publicKeySha256: string | null;
  signingPinHash: string;
  /** The certificate this one renews (gia hạn), if any. */
  renewalOfId: string | null;
  createdAt: Date;
}

export type NewCertificateRecord = Omit<
  CertificateRecord,
  'id' | 'createdAt' | 'status' | 'revocationReason' | 'revokedAt'
>;

/** RFC 5280 5.3.1 reason names accepted for a revocation (certificateHold is a suspension, not a revocation). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** The audit log's picture of a certificate: never the PIN hash, never the bytes. */
export const certificateSnapshot = (c: CertificateRecord) => ({
  serialNumber: c.serialNumber,
  issuer: c.issuer,
  subject: c.subject,
  subjectType: c.subjectType,
  notBefore: c.notBefore,
  notAfter: c.notAfter,
  status: c.status,
  revocationReason: c.revocationReason,
  revokedAt: c.revokedAt,
  holderOfficialId: c.holderOfficialId,
  organizationId: c.organizationId,
  deviceId: c.deviceId,
  keyUri: c.keyUri,
  sha256: c.sha256,
  renewalOfId: c.renewalOfId,
});

/** What callers see: no PIN hash, PEM instead of bytes, and the status that holds at `now`. */
export interface CertificateView {
  id: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  status: CertificateStatus;
  subjectType: SubjectType;
  holderOfficialId: string | null;
  organizationId: string;
  deviceId: string | null;
  keyUri: string;
  sha256: string;
  revocationReason: string | null;
  revokedAt: string | null;
  certificatePem: string;
  chainPem: string[];
  renewalOfId: string | null;
  createdAt: string;
}

/** A certificate past its notAfter reads `expired`, whatever is stored (docs/internal-api.md). */
export function effectiveStatus(c: Pick<CertificateRecord, 'status' | 'notAfter'>, now: Date): CertificateStatus {
  return now.getTime() > c.notAfter.getTime() ? 'expired' : c.status;
}

export function toCertificateView(c: CertificateRecord, now: Date): CertificateView {
  return {
    id: c.id,
    serialNumber: c.serialNumber,
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: effectiveStatus(c, now),
    subjectType: c.subjectType,
    holderOfficialId: c.holderOfficialId,
    organizationId: c.organizationId,
    deviceId: c.deviceId,
    keyUri: c.keyUri,
    sha256: c.sha256,
    revocationReason: c.revocationReason,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    certificatePem: toPem('CERTIFICATE', c.certificateDer),
    chainPem: c.chainDer.map((d) => toPem('CERTIFICATE', d)),
    renewalOfId: c.renewalOfId,
    createdAt: c.createdAt.toISOString(),
  };
}
