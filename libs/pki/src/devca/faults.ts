import * as x509 from '@peculiar/x509';
import { CrlReason } from '../revocation/types';
import { Certificate } from '../x509/certificate';
import type { IssueOptions, RevocationRecord } from './dev-ca';

/**
 * Failure switches for `DevCa.issue` (data, so tests can list them). Each yields a certificate a
 * path validator must refuse:
 * - expired / notYetValid: validity ends a day before / starts a day after `faultTime` (default now);
 * - wrongKeyUsage: keyEncipherment only (no digitalSignature/nonRepudiation);
 * - badSignature: one bit of the signature value flipped;
 * - unknownCriticalExtension: a private-arc extension marked critical;
 * - revoked: recorded on the CA at `at`, so its CRLs and OCSP responses say so (a validation
 *   before `at` must still accept the certificate).
 * Chain-level failures (brokenNameConstraints, missingIntermediate) are in scenarios.ts.
 */
export type IssueFault =
  | 'expired'
  | 'notYetValid'
  | 'wrongKeyUsage'
  | 'badSignature'
  | 'unknownCriticalExtension'
  | { kind: 'revoked'; at: Date; reason?: CrlReason; invalidityDate?: Date };

export const UNKNOWN_CRITICAL_EXTENSION_OID = '1.3.6.1.4.1.99999.1';
const DAY_MS = 24 * 3600_000;

const has = (faults: IssueFault[], f: IssueFault) => faults.includes(f);

/** The issue options with the validity and extensions the faults ask for. */
export function planFaults(opts: IssueOptions): IssueOptions {
  const faults = opts.faults ?? [];
  if (faults.length === 0) return opts;
  const t = (opts.faultTime ?? new Date()).getTime();
  const out: IssueOptions = { ...opts };
  if (has(faults, 'expired')) {
    out.notBefore = new Date(t - 365 * DAY_MS);
    out.notAfter = new Date(t - DAY_MS);
  }
  if (has(faults, 'notYetValid')) {
    out.notBefore = new Date(t + DAY_MS);
    out.notAfter = new Date(t + 365 * DAY_MS);
  }
  if (has(faults, 'wrongKeyUsage')) out.keyUsage = ['keyEncipherment'];
  if (has(faults, 'unknownCriticalExtension'))
    out.extraExtensions = [
      ...(opts.extraExtensions ?? []),
      new x509.Extension(UNKNOWN_CRITICAL_EXTENSION_OID, true, new Uint8Array([0x05, 0x00])),
    ];
  return out;
}

/** Faults applied after signing: the broken signature and the recorded revocation. */
export function applyCertificateFaults(
  ca: { revoke(target: Certificate, record: RevocationRecord): void },
  cert: Certificate,
  faults: IssueFault[],
): Certificate {
  let out = cert;
  if (has(faults, 'badSignature')) {
    // The signature BIT STRING ends the certificate: flip a bit of its last octet.
    const der = new Uint8Array(cert.der);
    der[der.length - 1] ^= 0x01;
    out = Certificate.fromDer(der);
  }
  for (const f of faults) {
    if (typeof f === 'object' && f.kind === 'revoked')
      ca.revoke(out, { revocationDate: f.at, reason: f.reason, invalidityDate: f.invalidityDate });
  }
  return out;
}
