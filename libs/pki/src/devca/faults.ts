import * as x509 from '@peculiar/x509';
import { CrlReason } from '../revocation/types';
import { Certificate } from '../x509/certificate';
import { EXT } from '../x509/extensions';
import { der, seq } from '../asn1';
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
 * - the PROFILE_FAULTS below: one MUST of the RFC 5280 certificate profile broken each (serial
 *   over 20 octets, keyCertSign without cA, an empty extKeyUsage, an extension twice, a critical
 *   authority key identifier, one without keyIdentifier).
 * Chain-level failures (brokenNameConstraints, missingIntermediate) are in scenarios.ts; every other
 * field can be set with devca/test-pki.ts.
 */
export type IssueFault =
  | 'expired'
  | 'notYetValid'
  | 'wrongKeyUsage'
  | 'badSignature'
  | 'unknownCriticalExtension'
  | ProfileFault
  | { kind: 'revoked'; at: Date; reason?: CrlReason; invalidityDate?: Date };

/** Profile faults, with the validation constraint (validation/constraints.ts) each one breaks. */
export const PROFILE_FAULTS = {
  longSerial: 'serialNumber',
  keyCertSignWithoutCa: 'keyUsage',
  emptyExtendedKeyUsage: 'extendedKeyUsage',
  duplicateExtension: 'duplicateExtensions',
  criticalAuthorityKeyIdentifier: 'authorityKeyIdentifier',
  authorityKeyIdentifierWithoutKeyId: 'authorityKeyIdentifier',
} as const;
export type ProfileFault = keyof typeof PROFILE_FAULTS;

export const UNKNOWN_CRITICAL_EXTENSION_OID = '1.3.6.1.4.1.99999.1';
const DAY_MS = 24 * 3600_000;

const has = (faults: IssueFault[], f: IssueFault) => faults.includes(f);

/** The issue options with the validity and extensions the faults ask for; `issuerKeyId` (hex) for the AKI faults. */
export function planFaults(opts: IssueOptions, issuerKeyId = ''): IssueOptions {
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
  const extra = (e: x509.Extension) => (out.extraExtensions = [...(out.extraExtensions ?? []), e]);
  if (has(faults, 'longSerial')) out.serialNumber = `7f${'ab'.repeat(21)}`; // 22 octets
  if (has(faults, 'keyCertSignWithoutCa')) out.keyUsage = ['digitalSignature', 'keyCertSign'];
  if (has(faults, 'emptyExtendedKeyUsage')) extra(new x509.Extension(EXT.extKeyUsage, false, seq()));
  if (has(faults, 'duplicateExtension')) {
    const san = new x509.Extension(EXT.subjectAltName, false, seq(der(0x82, Buffer.from('example.vn'))));
    extra(san);
    extra(san);
  }
  if (has(faults, 'criticalAuthorityKeyIdentifier') || has(faults, 'authorityKeyIdentifierWithoutKeyId')) {
    const keyId = has(faults, 'authorityKeyIdentifierWithoutKeyId') ? [] : [der(0x80, Buffer.from(issuerKeyId, 'hex'))];
    extra(new x509.Extension(EXT.authorityKeyIdentifier, has(faults, 'criticalAuthorityKeyIdentifier'), seq(...keyId)));
  }
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
