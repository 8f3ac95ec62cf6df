/**
 * The validation policy as data (style rule 5; cf. EU DSS `constraint.xml`): each check of the
 * certificate profile (RFC 5280 section 4), of trust anchors (RFC 5937) and of the CRL profile has a
 * level. `fail` makes the path invalid, `warn` and `inform` only report the finding in the result's
 * reasons (with the level), `ignore` drops it. The defaults are in one place, DEFAULT_CONSTRAINTS;
 * a caller passes a partial object to override some of them (e.g. the PKITS run, see
 * test/conformance/pkits.spec.ts).
 */
export type ConstraintLevel = 'fail' | 'warn' | 'inform' | 'ignore';

export const CONSTRAINT_CHECKS = [
  /** 4.1: certificates and CRLs are DER (X.690 section 10): minimal lengths and integers, BOOLEAN 00/FF. */
  'derEncoding',
  /** 4.1.1.2: signatureAlgorithm equals the signature field inside tbsCertificate. */
  'signatureAlgorithm',
  /** 4.1.2.1: extensions only in v3; a v1/v2 certificate is a CA only as a trust anchor (6.1.4 (k)). */
  'version',
  /** 4.1.2.2: a positive INTEGER of at most 20 octets. */
  'serialNumber',
  /** 4.1.2.4: a non-empty issuer name. */
  'issuerName',
  /** 4.1.2.6, 4.2.1.6: a CA has a non-empty subject; an empty subject needs a critical subjectAltName. */
  'subjectName',
  /** 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in seconds with Z. */
  'validityEncoding',
  /** RFC 5480 2.1.1: an EC key names its curve (no explicit or implicit curve parameters). */
  'publicKeyParameters',
  /** 4.2: no extension twice. */
  'duplicateExtensions',
  /** 4.2.1.1: keyIdentifier present except in self-issued certificates; never critical. */
  'authorityKeyIdentifier',
  /** 4.2.1.2: present in CA certificates; never critical. */
  'subjectKeyIdentifier',
  /** 4.2.1.3, 4.2.1.9: a key usage with at least one bit; keyCertSign and pathLenConstraint only with cA. */
  'keyUsage',
  /** 4.2.1.9: critical in CA certificates. */
  'basicConstraintsCritical',
  /** 4.2.1.6: a non-empty, well-formed subjectAltName (DNS names, mailboxes, IP addresses, URIs). */
  'subjectAltName',
  /** 4.2.1.10: only in CA certificates, critical, not empty, bases well-formed, minimum 0 and no maximum. */
  'nameConstraints',
  /** 4.2.1.11, 4.2.1.14: policyConstraints and inhibitAnyPolicy critical, policyConstraints not empty. */
  'policyConstraints',
  /** 4.2.1.12: extKeyUsage lists at least one purpose. */
  'extendedKeyUsage',
  /** A CA certificate's extKeyUsage, when present, allows the purpose too (as OpenSSL and Go read it). */
  'extendedKeyUsageNesting',
  /** RFC 5937 / 6.1.1 (d): the anchor's validity, basic constraints, key usage and critical extensions. */
  'trustAnchor',
  /** 5.2.3: every CRL has a non-critical CRL number. */
  'crlNumber',
] as const;

export type ConstraintCheck = (typeof CONSTRAINT_CHECKS)[number];
export type ValidationConstraints = Readonly<Record<ConstraintCheck, ConstraintLevel>>;

/** Closed by default: every MUST of the profiles fails the path. */
export const DEFAULT_CONSTRAINTS: ValidationConstraints = Object.freeze(
  Object.fromEntries(CONSTRAINT_CHECKS.map((c) => [c, 'fail'])) as Record<ConstraintCheck, ConstraintLevel>,
);

/** The defaults with the caller's overrides. */
export function resolveConstraints(
  overrides?: Partial<Record<ConstraintCheck, ConstraintLevel>>,
): ValidationConstraints {
  return overrides ? { ...DEFAULT_CONSTRAINTS, ...overrides } : DEFAULT_CONSTRAINTS;
}
