import { publicKeyFromSpki, signatureScheme, verifySignature } from '../x509/algorithms';
import { Certificate } from '../x509/certificate';
import {
  basicConstraints,
  criticalExtensions,
  EKU,
  EXT,
  extendedKeyUsage,
  KeyUsage,
  keyUsage,
} from '../x509/extensions';
import { certificateParts } from '../x509/parts';
import { EXT_FRESHEST_CRL } from '../x509/policy-extensions';
import { SIGNATURE_VERDICT_CACHE } from '../x509/key-cache';
import {
  describeKey,
  describeSignatureAlgorithm,
  describeSpki,
  KeyDescription,
  loadPublicKey,
  SignatureAlgorithmInfo,
  SignatureVerdict,
  verifyWithSpki,
} from '../x509/signature-check';
import { AlgorithmPolicy, algorithmRefusal } from './algorithm-policy';
import { reason, ValidationReason } from './reasons';

/**
 * One check, one function, each naming the RFC 5280 step it implements. A check returns the
 * reasons it found (empty = passed); it never throws for a certificate that merely fails.
 * Index i is the position in the path (0 = leaf); certificates[i + 1] issued certificates[i].
 */

/** 6.1.3 (a)(1) with the issuer's own key (no DSA inheritance); kept for callers of the first version. */
export function checkSignature(cert: Certificate, issuer: Certificate, index: number): ValidationReason[] {
  const parts = certificateParts(cert);
  const scheme = signatureScheme(parts.signatureAlgorithm);
  if (!scheme)
    return [
      reason('UNSUPPORTED_SIGNATURE_ALGORITHM', { certificateIndex: index, detail: parts.signatureAlgorithm.oid }),
    ];
  let ok = false;
  try {
    ok = verifySignature(publicKeyFromSpki(issuer.publicKeySpki), scheme, parts.tbs, parts.signatureValue);
  } catch {
    ok = false; // an issuer key node cannot load is as good as a wrong key
  }
  return ok ? [] : [reason('CERTIFICATE_SIGNATURE_INVALID', { certificateIndex: index })];
}

/** What is independent of the time in checking a certificate's signature with one working key. */
interface SignatureFacts {
  spki: Uint8Array;
  info: SignatureAlgorithmInfo | undefined;
  verdict?: SignatureVerdict;
  key?: KeyDescription;
}

/**
 * The last facts per certificate, for the working key object they were found with: a certificate's
 * parts and SPKI are parsed once per object, so a path met again (the signer's chain in every
 * document it signs) skips hashing its tbsCertificate for the verdict cache. Only the
 * algorithm policy's judgement, which depends on the time, is made again.
 */
const SIGNATURE_FACTS = new WeakMap<Certificate, SignatureFacts>();

function signatureFacts(cert: Certificate, workingSpki: Uint8Array): SignatureFacts {
  const hit = SIGNATURE_FACTS.get(cert);
  if (hit?.spki === workingSpki && SIGNATURE_VERDICT_CACHE.maxEntries > 0) return hit;
  const parts = certificateParts(cert);
  const info = describeSignatureAlgorithm(parts.signatureAlgorithm);
  const facts: SignatureFacts = { spki: workingSpki, info };
  if (info) {
    facts.verdict = verifyWithSpki(workingSpki, parts.signatureAlgorithm, parts.tbs, parts.signatureValue);
    if (facts.verdict === 'valid') facts.key = describeKey(loadPublicKey(workingSpki));
  }
  SIGNATURE_FACTS.set(cert, facts);
  return facts;
}

/**
 * 6.1.3 (a)(1): the signature verifies with the working public key (`workingSpki`, DSA parameters
 * already inherited, 6.1.4 (d)-(f)), and the algorithm policy accepts algorithm and key at `time`.
 */
export function checkSignatureWithWorkingKey(
  cert: Certificate,
  workingSpki: Uint8Array,
  index: number,
  policy: AlgorithmPolicy,
  time: Date,
): ValidationReason[] {
  const { info, verdict, key } = signatureFacts(cert, workingSpki);
  if (!info)
    return [
      reason('UNSUPPORTED_SIGNATURE_ALGORITHM', {
        certificateIndex: index,
        detail: certificateParts(cert).signatureAlgorithm.oid,
      }),
    ];
  if (verdict === 'unsupported-algorithm')
    return [reason('UNSUPPORTED_SIGNATURE_ALGORITHM', { certificateIndex: index, detail: info.name })];
  if (verdict === 'unusable-key') return [reason('ISSUER_PUBLIC_KEY_UNUSABLE', { certificateIndex: index })];
  if (verdict === 'invalid') return [reason('CERTIFICATE_SIGNATURE_INVALID', { certificateIndex: index })];
  const refusal = algorithmRefusal(policy, info, key!, time);
  return refusal ? [reason('ALGORITHM_NOT_ALLOWED', { certificateIndex: index, detail: refusal })] : [];
}

/** The key alone is judged: no digest rule applies to it. */
const KEY_ONLY: SignatureAlgorithmInfo = { name: 'subject public key', digest: null };

/**
 * The leaf's own key, judged by the algorithm policy at `time` as every issuer key is (issue 10.4:
 * every key in the path; OpenSSL's EE_KEY_TOO_SMALL), though it signs nothing in the path: a chain
 * ending in an RSA-1024 or P-192 key is not valid for a signature it would make. A key that cannot
 * be loaded is left to what uses it (the document signature's check reports it).
 */
export function checkLeafKey(leaf: Certificate, policy: AlgorithmPolicy, time: Date): ValidationReason[] {
  const key = describeSpki(leaf.publicKeySpki);
  const refusal = key && algorithmRefusal(policy, KEY_ONLY, key, time);
  return refusal ? [reason('ALGORITHM_NOT_ALLOWED', { certificateIndex: 0, detail: refusal })] : [];
}

/**
 * 6.1.3 (a)(2): the validation time lies within the validity period (bounds inclusive, 4.1.2.5).
 * Validity is encoded in whole seconds, so the time is compared at that granularity (floored): a
 * time 5 ms after notAfter is still within the second notAfter names.
 */
export function checkValidityPeriod(cert: Certificate, time: Date, index: number): ValidationReason[] {
  const t = Math.floor(time.getTime() / 1000) * 1000;
  if (t > cert.notAfter.getTime())
    return [reason('EXPIRED', { certificateIndex: index, detail: `notAfter ${cert.notAfter.toISOString()}` })];
  if (t < cert.notBefore.getTime())
    return [reason('NOT_YET_VALID', { certificateIndex: index, detail: `notBefore ${cert.notBefore.toISOString()}` })];
  return [];
}

/** 6.1.3 (a)(4): the issuer name is the subject name of the next certificate (7.1 comparison). */
export function checkNameChaining(cert: Certificate, issuer: Certificate, index: number): ValidationReason[] {
  return cert.issuer.equals(issuer.subject) ? [] : [reason('NAME_CHAINING_FAILED', { certificateIndex: index })];
}

/** 6.1.4 (k): an intermediate must assert basicConstraints cA (v1/v2 intermediates are refused). */
export function checkBasicConstraints(cert: Certificate, index: number): ValidationReason[] {
  return basicConstraints(cert)?.cA ? [] : [reason('ISSUER_NOT_CA', { certificateIndex: index })];
}

/**
 * 6.1.4 (l) and (m): max_path_length. `remaining` is the state before this intermediate; returns
 * the reasons and the state after it. Self-issued certificates do not count (6.1.4 (l)).
 */
export function checkPathLength(
  cert: Certificate,
  remaining: number,
  index: number,
): { reasons: ValidationReason[]; remaining: number } {
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
export function checkLeafKeyUsage(cert: Certificate, purpose: PathPurpose): ValidationReason[] {
  if (purpose !== 'documentSigning') return [];
  const ku = keyUsage(cert);
  return !ku || ku.has('digitalSignature') || ku.has('nonRepudiation')
    ? []
    : [reason('KEY_USAGE_NOT_FOR_SIGNING', { certificateIndex: 0 })];
}

/** Caller-required key usage of the end entity (e.g. cRLSign for a CRL issuer, 6.3.3 (f)): one of them, when keyUsage is present. */
export function checkRequiredKeyUsage(cert: Certificate, anyOf: readonly KeyUsage[] | undefined): ValidationReason[] {
  if (!anyOf?.length) return [];
  const ku = keyUsage(cert);
  return !ku || anyOf.some((k) => ku.has(k))
    ? []
    : [reason('KEY_USAGE_NOT_ALLOWED', { certificateIndex: 0, detail: `requires one of ${anyOf.join(', ')}` })];
}

/** A purpose: a name below or an extended key usage OID. */
export type PathPurpose = 'any' | 'documentSigning' | 'serverAuth' | 'clientAuth' | (string & {});

/**
 * EKUs that satisfy each purpose. documentSigning accepts id-kp-documentSigning (RFC 9336), the
 * Microsoft document-signing EKU, Adobe's Authentic Documents EKU (AATL certificates; Acrobat
 * accepts it, DSS and pyHanko check no EKU by default) and emailProtection: Vietnamese CA signing
 * certificates carry the latter (deliberate deviation from RFC 9336 strictness, for real
 * certificates in use).
 */
export const PURPOSE_EKUS: Record<string, readonly string[]> = {
  documentSigning: [EKU.documentSigning, EKU.documentSigningMs, EKU.adobeAuthenticDocuments, EKU.emailProtection],
  serverAuth: ['1.3.6.1.5.5.7.3.1'],
  clientAuth: ['1.3.6.1.5.5.7.3.2'],
};

/**
 * Extended key usage by purpose (4.2.1.12): when the extension is present it must list an EKU for
 * the purpose or anyExtendedKeyUsage. Checked on the end entity, and (constraint
 * `extendedKeyUsageNesting`) on every CA certificate of the path: RFC 5280 does not chain EKUs, but
 * OpenSSL, Go and the Web PKI read a CA's EKU as a limit on what it may certify, and a path that
 * one of them refuses is not one we accept.
 */
export function checkExtendedKeyUsage(cert: Certificate, purpose: PathPurpose, index = 0): ValidationReason[] {
  if (purpose === 'any') return [];
  const ekus = extendedKeyUsage(cert);
  if (!ekus) return [];
  const accepted = PURPOSE_EKUS[purpose] ?? [purpose];
  return ekus.includes(EKU.anyExtendedKeyUsage) || ekus.some((e) => accepted.includes(e))
    ? []
    : [reason('EXTENDED_KEY_USAGE_MISMATCH', { certificateIndex: index, detail: `purpose ${purpose}` })];
}

/** Critical extensions processed by this validator (6.1.4 (o), 6.1.5 (f)). */
export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  EXT.basicConstraints,
  EXT.keyUsage,
  EXT.extKeyUsage,
  EXT.subjectAltName,
  EXT.issuerAltName,
  EXT.subjectKeyIdentifier,
  EXT.authorityKeyIdentifier,
  EXT.certificatePolicies,
  EXT.policyMappings,
  EXT.policyConstraints,
  EXT.inhibitAnyPolicy,
  EXT.nameConstraints,
  EXT.crlDistributionPoints,
  EXT_FRESHEST_CRL,
]);

/** 6.1.4 (o) and 6.1.5 (f): no critical extension left unprocessed. */
export function checkCriticalExtensions(cert: Certificate, index: number): ValidationReason[] {
  return criticalExtensions(cert)
    .filter((oid) => !PROCESSED_EXTENSIONS.has(oid))
    .map((oid) => reason('UNKNOWN_CRITICAL_EXTENSION', { certificateIndex: index, detail: oid }));
}
