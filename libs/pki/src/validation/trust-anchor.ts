import { Certificate } from '../x509/certificate';
import { basicConstraints, keyUsage } from '../x509/extensions';
import { nameConstraints } from '../x509/policy-extensions';
import { checkCriticalExtensions, checkValidityPeriod, PathPurpose } from './checks';
import { ConstraintLevel } from './constraints';
import { NameConstraintsState } from './name-constraints';
import { reason, ValidationReason } from './reasons';

/**
 * A trust anchor and what it is trusted for: an anchor for timestamping does not anchor document
 * signatures. Without `purposes`, or with `any` among them, the anchor serves any purpose (a plain
 * certificate is such an anchor). Purposes are those of validatePath (`documentSigning`, `timeStamping`, an EKU OID...).
 */
export interface TrustAnchor {
  certificate: Certificate;
  purposes?: readonly PathPurpose[];
}

export type TrustAnchorInput = Certificate | TrustAnchor;

export function normaliseAnchors(input: readonly TrustAnchorInput[]): TrustAnchor[] {
  return input.map((a) => (a instanceof Certificate ? { certificate: a } : a));
}

/**
 * The anchor's own constraints (RFC 5937 section 3; what OpenSSL, NSS, Go and webpki enforce): it
 * is within its validity period; a certificate with extensions is a CA by basicConstraints (one
 * without extensions, a v1 root, is accepted as it is); its key usage, when present, allows
 * keyCertSign; no critical extension is left unprocessed. Its name constraints are added to
 * `names` and its pathLenConstraint is returned, both to bound the rest of the path. `level` is the
 * policy's level for these checks.
 */
export function checkTrustAnchor(
  anchor: Certificate,
  index: number,
  time: Date,
  level: ConstraintLevel,
  names: NameConstraintsState,
): { reasons: ValidationReason[]; pathLength?: number } {
  const nc = nameConstraints(anchor);
  if (nc) names.add(nc);
  const bc = basicConstraints(anchor);
  if (level === 'ignore') return { reasons: [], pathLength: bc?.pathLenConstraint };
  const found: ValidationReason[] = [...checkValidityPeriod(anchor, time, index)];
  if (anchor.extensionList.length > 0 && !bc?.cA)
    found.push(reason('ISSUER_NOT_CA', { certificateIndex: index, detail: 'trust anchor' }));
  const ku = keyUsage(anchor);
  if (ku && !ku.has('keyCertSign'))
    found.push(reason('ISSUER_KEY_USAGE_NO_CERT_SIGN', { certificateIndex: index, detail: 'trust anchor' }));
  found.push(...checkCriticalExtensions(anchor, index));
  return {
    reasons: found.map((r) => ({ ...r, check: 'trustAnchor' as const, ...(level === 'fail' ? {} : { level }) })),
    pathLength: bc?.pathLenConstraint,
  };
}
