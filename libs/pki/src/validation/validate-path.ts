import { IndeterminateSubIndication, indeterminate, IndicationResult, passed } from '../indication';
import { Certificate } from '../x509/certificate';
import {
  checkBasicConstraints,
  checkCriticalExtensions,
  checkKeyCertSign,
  checkLeafKeyUsage,
  checkNameChaining,
  checkPathLength,
  checkSignature,
  checkValidityPeriod,
} from './checks';
import { buildPaths, MAX_CANDIDATE_PATHS, MAX_PATH_DEPTH } from './path-builder';
import { reason, ReasonCode, ValidationReason } from './reasons';

export type PathPurpose = 'documentSigning' | 'any';

export interface PathValidationOptions {
  leaf: Certificate;
  intermediates?: readonly Certificate[];
  trustAnchors: readonly Certificate[];
  /** The time the path must be valid at (e.g. the claimed signing time); never read from a clock here. */
  validationTime: Date;
  purpose?: PathPurpose; // default documentSigning
  maxDepth?: number; // default MAX_PATH_DEPTH
}

export type PathValidationResult = IndicationResult & {
  valid: boolean;
  /** The path validated (leaf first, trust anchor last), or the best candidate that failed, or [leaf]. */
  chain: Certificate[];
  trustAnchor: Certificate | null;
  reasons: ValidationReason[];
  /** Revocation is not checked in this version; REVOCATION_NOT_CHECKED is in reasons, its weight is the caller's. */
  revocation: { checked: false };
  validationTime: Date;
};

/** Budget for signature checks over all candidate paths (cf. Go maxChainSignatureChecks). */
export const MAX_SIGNATURE_CHECKS = 64;

/**
 * ETSI EN 319 102-1 5.2.6 sub-indication for each failure, in priority order (first found wins).
 * Expiry maps to INDETERMINATE/EXPIRED and NOT_YET_VALID: the time checked is a claim, not a proof
 * of existence, so a TOTAL-FAILED is not justified (ETSI's strict name would be OUT_OF_BOUNDS_NO_POE).
 */
const SUB_INDICATION: [ReasonCode, IndeterminateSubIndication][] = [
  ['CERTIFICATE_SIGNATURE_INVALID', 'CERTIFICATE_CHAIN_GENERAL_FAILURE'],
  ['NAME_CHAINING_FAILED', 'CERTIFICATE_CHAIN_GENERAL_FAILURE'],
  ['UNSUPPORTED_SIGNATURE_ALGORITHM', 'CRYPTO_CONSTRAINTS_FAILURE'],
  ['ISSUER_NOT_CA', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['PATH_LENGTH_EXCEEDED', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['ISSUER_KEY_USAGE_NO_CERT_SIGN', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['UNKNOWN_CRITICAL_EXTENSION', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['KEY_USAGE_NOT_FOR_SIGNING', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['VALIDATION_BUDGET_EXCEEDED', 'CERTIFICATE_CHAIN_GENERAL_FAILURE'],
  ['EXPIRED', 'EXPIRED'],
  ['NOT_YET_VALID', 'NOT_YET_VALID'],
];

/**
 * RFC 5280 6.1 basic path validation over one candidate path (leaf first, anchor last). The
 * anchor is trusted input (6.1.1 (d)): its own validity and extensions are not checked.
 */
export function checkPath(path: Certificate[], time: Date, purpose: PathPurpose, budget: { signatures: number }): ValidationReason[] {
  const reasons: ValidationReason[] = [];
  const anchorIndex = path.length - 1;
  let remaining = Number.POSITIVE_INFINITY; // 6.1.2 (k): no limit from the anchor in this version
  for (let i = anchorIndex - 1; i >= 0; i--) {
    const cert = path[i];
    const issuer = path[i + 1];
    if (budget.signatures-- <= 0) {
      reasons.push(reason('VALIDATION_BUDGET_EXCEEDED', { certificateIndex: i }));
      break;
    }
    reasons.push(...checkSignature(cert, issuer, i));
    reasons.push(...checkValidityPeriod(cert, time, i));
    reasons.push(...checkNameChaining(cert, issuer, i));
    reasons.push(...checkCriticalExtensions(cert, i));
    if (i > 0) {
      // 6.1.4: preparation for the next certificate, intermediates only
      reasons.push(...checkBasicConstraints(cert, i));
      const pl = checkPathLength(cert, remaining, i);
      reasons.push(...pl.reasons);
      remaining = pl.remaining;
      reasons.push(...checkKeyCertSign(cert, i));
    }
  }
  if (path.length === 1) reasons.push(...checkValidityPeriod(path[0], time, 0)); // the leaf is itself an anchor
  reasons.push(...checkLeafKeyUsage(path[0], purpose));
  return reasons;
}

function judge(reasons: ValidationReason[]): IndicationResult {
  for (const [code, sub] of SUB_INDICATION) if (reasons.some((r) => r.code === code)) return indeterminate(sub);
  return reasons.length === 0 ? passed() : indeterminate('CERTIFICATE_CHAIN_GENERAL_FAILURE');
}

/** Builds candidate paths and validates them in turn; the first valid one wins. */
export function validatePath(opts: PathValidationOptions): PathValidationResult {
  const purpose = opts.purpose ?? 'documentSigning';
  const paths = buildPaths(opts.leaf, opts.intermediates ?? [], opts.trustAnchors, { maxDepth: opts.maxDepth ?? MAX_PATH_DEPTH, maxPaths: MAX_CANDIDATE_PATHS });
  const revocationNotChecked = reason('REVOCATION_NOT_CHECKED');
  const base = { revocation: { checked: false as const }, validationTime: opts.validationTime };
  if (paths.length === 0) {
    return {
      ...base,
      ...indeterminate('NO_CERTIFICATE_CHAIN_FOUND'),
      valid: false,
      chain: [opts.leaf],
      trustAnchor: null,
      reasons: [reason('NO_CERTIFICATE_CHAIN_FOUND', { certificateIndex: 0, detail: `issuer ${opts.leaf.issuer.toString()}` }), revocationNotChecked],
    };
  }
  const budget = { signatures: MAX_SIGNATURE_CHECKS };
  let best: { path: Certificate[]; reasons: ValidationReason[] } | undefined;
  for (const path of paths) {
    const reasons = checkPath(path, opts.validationTime, purpose, budget);
    if (reasons.length === 0) {
      return { ...base, ...passed(), valid: true, chain: path, trustAnchor: path[path.length - 1], reasons: [revocationNotChecked] };
    }
    if (!best || reasons.length < best.reasons.length) best = { path, reasons };
    if (budget.signatures <= 0) break;
  }
  const failure = best!;
  return {
    ...base,
    ...judge(failure.reasons),
    valid: false,
    chain: failure.path,
    trustAnchor: failure.path[failure.path.length - 1],
    reasons: [...failure.reasons, revocationNotChecked],
  };
}
