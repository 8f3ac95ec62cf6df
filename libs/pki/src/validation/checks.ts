import { publicKeyFromSpki, signatureScheme, verifySignature } from '../x509/algorithms';
import { Certificate } from '../x509/certificate';
import { basicConstraints, criticalExtensions, EXT, keyUsage } from '../x509/extensions';
import { certificateParts } from '../x509/parts';
import { reason, ValidationReason } from './reasons';

/**
 * One check, one function, each naming the RFC 5280 step it implements. A check returns the
 * reasons it found (empty = passed); it never throws for a certificate that merely fails.
 * Index i is the position in the path (0 = leaf); certificates[i + 1] issued certificates[i].
 */

/** 6.1.3 (a)(1): the signature verifies with the working public key (the issuer's). */
export function checkSignature(cert: Certificate, issuer: Certificate, index: number): ValidationReason[] {
  const parts = certificateParts(cert);
  const scheme = signatureScheme(parts.signatureAlgorithm);
  if (!scheme) return [reason('UNSUPPORTED_SIGNATURE_ALGORITHM', { certificateIndex: index, detail: parts.signatureAlgorithm.oid })];
  let ok = false;
  try {
    ok = verifySignature(publicKeyFromSpki(issuer.publicKeySpki), scheme, parts.tbs, parts.signatureValue);
  } catch {
    ok = false; // an issuer key node cannot load is as good as a wrong key
  }
  return ok ? [] : [reason('CERTIFICATE_SIGNATURE_INVALID', { certificateIndex: index })];
}

/** 6.1.3 (a)(2): the validation time lies within the validity period (bounds inclusive, 4.1.2.5). */
export function checkValidityPeriod(cert: Certificate, time: Date, index: number): ValidationReason[] {
  if (time.getTime() > cert.notAfter.getTime())
    return [reason('EXPIRED', { certificateIndex: index, detail: `notAfter ${cert.notAfter.toISOString()}` })];
  if (time.getTime() < cert.notBefore.getTime())
    return [reason('NOT_YET_VALID', { certificateIndex: index, detail: `notBefore ${cert.notBefore.toISOString()}` })];
  return [];
}

/** 6.1.3 (a)(4): the issuer name is the subject name of the next certificate (7.1 comparison). */
export function checkNameChaining(cert: Certificate, issuer: Certificate, index: number): ValidationReason[] {
  return cert.issuer.equals(issuer.subject) ? [] : [reason('NAME_CHAINING_FAILED', { certificateIndex: index })];
}

/** 6.1.4 (k): an intermediate must assert basicConstraints cA (v3 certificates). */
export function checkBasicConstraints(cert: Certificate, index: number): ValidationReason[] {
  return basicConstraints(cert)?.cA ? [] : [reason('ISSUER_NOT_CA', { certificateIndex: index })];
}

/**
 * 6.1.4 (l) and (m): max_path_length. `remaining` is the state before this intermediate; returns
 * the reasons and the state after it. Self-issued certificates do not count (6.1.4 (l)).
 */
export function checkPathLength(cert: Certificate, remaining: number, index: number): { reasons: ValidationReason[]; remaining: number } {
  const reasons: ValidationReason[] = [];
  let next = remaining;
  if (!cert.isSelfIssued) {
    if (next <= 0) reasons.push(reason('PATH_LENGTH_EXCEEDED', { certificateIndex: index }));
    next--;
  }
  const limit = basicConstraints(cert)?.pathLenConstraint;
  if (limit !== undefined && limit < next) next = limit;
  return { reasons, remaining: next };
}

/** 6.1.4 (n): if an intermediate has a key usage extension, keyCertSign must be set. */
export function checkKeyCertSign(cert: Certificate, index: number): ValidationReason[] {
  const ku = keyUsage(cert);
  return !ku || ku.has('keyCertSign') ? [] : [reason('ISSUER_KEY_USAGE_NO_CERT_SIGN', { certificateIndex: index })];
}

/**
 * Signing purpose of the end entity (not RFC 5280 itself: ETSI EN 319 412-2 4.3.2 / the caller's
 * policy): for documents, keyUsage (when present) must allow digitalSignature or nonRepudiation.
 */
export function checkLeafKeyUsage(cert: Certificate, purpose: 'documentSigning' | 'any'): ValidationReason[] {
  if (purpose === 'any') return [];
  const ku = keyUsage(cert);
  return !ku || ku.has('digitalSignature') || ku.has('nonRepudiation') ? [] : [reason('KEY_USAGE_NOT_FOR_SIGNING', { certificateIndex: 0 })];
}

/**
 * Critical extensions this version processes. Deliberately NOT listed: name constraints and the
 * policy extensions (policyConstraints, policyMappings, inhibitAnyPolicy) — until 6.1.3 (b)-(f)
 * and 6.1.4 (a)-(j) are implemented, a certificate relying on them critically is refused.
 * certificatePolicies is accepted: with user-initial-policy-set = anyPolicy and no explicit
 * policy required, its content cannot make the path invalid.
 */
export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  EXT.basicConstraints,
  EXT.keyUsage,
  EXT.extKeyUsage,
  EXT.subjectAltName,
  EXT.issuerAltName,
  EXT.subjectKeyIdentifier,
  EXT.authorityKeyIdentifier,
  EXT.certificatePolicies,
]);

/** 6.1.4 (o) and 6.1.5 (f): no critical extension left unprocessed. */
export function checkCriticalExtensions(cert: Certificate, index: number): ValidationReason[] {
  return criticalExtensions(cert)
    .filter((oid) => !PROCESSED_EXTENSIONS.has(oid))
    .map((oid) => reason('UNKNOWN_CRITICAL_EXTENSION', { certificateIndex: index, detail: oid }));
}
