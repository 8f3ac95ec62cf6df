import { PkiFormatError } from '../errors';
import { IndeterminateSubIndication, indeterminate, IndicationResult, passed } from '../indication';
import { RevocationChecker, RevocationStatus, unknownStatus } from '../revocation/types';
import { Certificate } from '../x509/certificate';
import { KeyUsage } from '../x509/extensions';
import { nameConstraints } from '../x509/policy-extensions';
import { workingPublicKey } from '../x509/signature-check';
import { AlgorithmPolicy, STRICT_ALGORITHM_POLICY } from './algorithm-policy';
import {
  checkBasicConstraints,
  checkCriticalExtensions,
  checkExtendedKeyUsage,
  checkKeyCertSign,
  checkLeafKey,
  checkLeafKeyUsage,
  checkNameChaining,
  checkPathLength,
  checkRequiredKeyUsage,
  checkSignatureWithWorkingKey,
  checkValidityPeriod,
  PathPurpose,
} from './checks';
import { ConstraintCheck, ConstraintLevel, resolveConstraints, ValidationConstraints } from './constraints';
import { NameConstraintsState } from './name-constraints';
import { buildPaths } from './path-builder';
import { PolicyInputs, PolicyState } from './policy-tree';
import { profileFindings } from './profile';
import { failing, reason, ReasonCode, ValidationReason } from './reasons';
import { judgeRevocation } from './revocation-judgement';
import { checkTrustAnchor, normaliseAnchors, TrustAnchor, TrustAnchorInput } from './trust-anchor';
import { MAX_CANDIDATE_PATHS, MAX_PATH_DEPTH, MAX_SIGNATURE_CHECKS } from '../budgets';

export type { PathPurpose } from './checks';
export type { TrustAnchor, TrustAnchorInput } from './trust-anchor';

export interface PathRevocationOptions {
  checker: RevocationChecker;
  /** When true, an unknown status makes the path INDETERMINATE (TRY_LATER); otherwise it is only reported. */
  required: boolean;
}

export interface PathValidationOptions extends PolicyInputs {
  leaf: Certificate;
  intermediates?: readonly Certificate[];
  /** Anchors as certificates (any purpose) or with the purposes they are trusted for (RFC 5937 usage). */
  trustAnchors: readonly TrustAnchorInput[];
  /** The time the path must be valid at (e.g. the claimed signing time); never read from a clock here. */
  validationTime: Date;
  purpose?: PathPurpose; // default documentSigning
  /** The leaf's keyUsage, when present, must assert at least one of these (e.g. ['cRLSign']). */
  keyUsage?: readonly KeyUsage[];
  /** Most intermediates between leaf and anchor (0: the anchor issued the leaf); bounded by MAX_PATH_DEPTH. */
  maxDepth?: number;
  /** Levels of the profile checks (constraints.ts); default DEFAULT_CONSTRAINTS (every check fails). */
  constraints?: Partial<Record<ConstraintCheck, ConstraintLevel>>;
  /** Default STRICT_ALGORITHM_POLICY; conformance suites with 1024-bit keys pass PERMISSIVE_ALGORITHM_POLICY. */
  algorithmPolicy?: AlgorithmPolicy;
  /** Asks the checker for every certificate but the anchor, as of validationTime (RFC 5280 6.1.3 (a)(3)). */
  revocation?: PathRevocationOptions;
  /** Earliest proven existence of the signed object (e.g. a signature timestamp): see judgeRevocation. */
  proofOfExistence?: Date;
}

export type PathValidationResult = IndicationResult & {
  valid: boolean;
  /** The path validated (leaf first, trust anchor last), or the best candidate that failed, or [leaf]. */
  chain: Certificate[];
  trustAnchor: Certificate | null;
  reasons: ValidationReason[];
  /** RFC 5280 6.1.6: the policies of the path in the trust anchor's domain, before and after the user's initial set. */
  authorityConstrainedPolicySet: string[];
  userConstrainedPolicySet: string[];
  /** status[i] is certificate i's (the anchor has none); checked=false means no checker was given. */
  revocation: { checked: boolean; status: RevocationStatus[] };
  validationTime: Date;
};

/**
 * ETSI EN 319 102-1 5.2.6 sub-indication for each failure, in priority order (first found wins).
 * Expiry maps to INDETERMINATE/EXPIRED and NOT_YET_VALID: the time checked is a claim, not a proof
 * of existence, so a TOTAL-FAILED is not justified (ETSI's strict name would be OUT_OF_BOUNDS_NO_POE).
 */
const SUB_INDICATION: [ReasonCode, IndeterminateSubIndication][] = [
  ['MALFORMED_CERTIFICATE', 'FORMAT_FAILURE'],
  ['CERTIFICATE_SIGNATURE_INVALID', 'CERTIFICATE_CHAIN_GENERAL_FAILURE'],
  ['NAME_CHAINING_FAILED', 'CERTIFICATE_CHAIN_GENERAL_FAILURE'],
  ['UNSUPPORTED_SIGNATURE_ALGORITHM', 'CRYPTO_CONSTRAINTS_FAILURE'],
  ['ISSUER_PUBLIC_KEY_UNUSABLE', 'CRYPTO_CONSTRAINTS_FAILURE'],
  ['ALGORITHM_NOT_ALLOWED', 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE'],
  ['TRUST_ANCHOR_PURPOSE_MISMATCH', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['ISSUER_NOT_CA', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['CERTIFICATE_PROFILE_VIOLATION', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['PATH_LENGTH_EXCEEDED', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['ISSUER_KEY_USAGE_NO_CERT_SIGN', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['UNKNOWN_CRITICAL_EXTENSION', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['NAME_CONSTRAINTS_VIOLATED', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['POLICY_MAPPING_ANY_POLICY', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['NO_VALID_POLICY', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['KEY_USAGE_NOT_FOR_SIGNING', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['KEY_USAGE_NOT_ALLOWED', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['EXTENDED_KEY_USAGE_MISMATCH', 'CHAIN_CONSTRAINTS_FAILURE'],
  ['VALIDATION_BUDGET_EXCEEDED', 'CERTIFICATE_CHAIN_GENERAL_FAILURE'],
  ['EXPIRED', 'EXPIRED'],
  ['NOT_YET_VALID', 'NOT_YET_VALID'],
];

interface PathCheck {
  reasons: ValidationReason[];
  authorityConstrainedPolicySet: string[];
  userConstrainedPolicySet: string[];
}

/** A check's reasons, or MALFORMED_CERTIFICATE when the certificate cannot be read for it. */
function safeChecks(idx: number, run: () => ValidationReason[]): ValidationReason[] {
  try {
    return run();
  } catch (e) {
    return [reason('MALFORMED_CERTIFICATE', { certificateIndex: idx, detail: (e as Error).message })];
  }
}

const levelOf = (level: ConstraintLevel) =>
  level === 'fail' ? {} : { level: level as Exclude<ConstraintLevel, 'ignore'> };

/** The profile findings (RFC 5280 section 4) of certificate `idx`, as reasons at their level. */
function profileReasons(cert: Certificate, idx: number, constraints: ValidationConstraints): ValidationReason[] {
  return profileFindings(cert)
    .filter((f) => constraints[f.check] !== 'ignore')
    .map((f) =>
      reason('CERTIFICATE_PROFILE_VIOLATION', {
        certificateIndex: idx,
        detail: f.detail,
        check: f.check,
        level: constraints[f.check],
      }),
    );
}

/**
 * RFC 5280 6.1 basic path validation over one candidate path (leaf first, anchor last). The
 * anchor's name and key start the state (6.1.1 (d)); as RFC 5937 and the major TLS stacks do, its
 * validity, basic constraints, key usage, path length, name constraints and critical extensions
 * are checked too (level `trustAnchor`), and every certificate, the anchor included, is checked
 * against the certificate profile (profile.ts). Certificate i of the RFC is path[n - i].
 */
function checkPath(
  path: Certificate[],
  opts: PathValidationOptions,
  anchor: TrustAnchor,
  budget: { signatures: number },
): PathCheck {
  const time = opts.validationTime;
  const purpose = opts.purpose ?? 'documentSigning';
  const algorithms = opts.algorithmPolicy ?? STRICT_ALGORITHM_POLICY;
  const constraints = resolveConstraints(opts.constraints);
  const n = path.length - 1;
  const reasons: ValidationReason[] = [];
  const out: PathCheck = { reasons, authorityConstrainedPolicySet: [], userConstrainedPolicySet: [] };
  if (anchor.purposes && !anchor.purposes.includes(purpose) && !anchor.purposes.includes('any'))
    reasons.push(reason('TRUST_ANCHOR_PURPOSE_MISMATCH', { certificateIndex: n, detail: `purpose ${purpose}` }));
  for (let idx = n; idx >= 0; idx--) reasons.push(...profileReasons(path[idx], idx, constraints));
  if (constraints.extendedKeyUsageNesting !== 'ignore')
    for (let idx = n; idx >= 1; idx--)
      for (const r of safeChecks(idx, () => checkExtendedKeyUsage(path[idx], purpose, idx)))
        reasons.push({ ...r, check: 'extendedKeyUsageNesting', ...levelOf(constraints.extendedKeyUsageNesting) });
  if (n === 0) {
    // the leaf is itself an anchor
    reasons.push(...checkValidityPeriod(path[0], time, 0), ...checkLeafPurpose(path[0], opts, purpose));
    return out;
  }
  const policy = new PolicyState(n, opts);
  const names = new NameConstraintsState();
  let maxPathLength = n; // 6.1.2 (k)
  try {
    const a = checkTrustAnchor(path[n], n, time, constraints.trustAnchor, names);
    reasons.push(...a.reasons);
    maxPathLength = Math.min(maxPathLength, a.pathLength ?? maxPathLength);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    reasons.push(reason('MALFORMED_CERTIFICATE', { certificateIndex: n, detail: e.message }));
  }
  for (let idx = n - 1; idx >= 0; idx--) {
    const i = n - idx;
    const cert = path[idx];
    try {
      if (budget.signatures-- <= 0) {
        reasons.push(reason('VALIDATION_BUDGET_EXCEEDED', { certificateIndex: idx }));
        break;
      }
      // 6.1.3 (a): signature with the working public key, validity, (revocation: later), name chaining
      reasons.push(...checkSignatureWithWorkingKey(cert, workingPublicKey(path, idx + 1), idx, algorithms, time));
      reasons.push(...checkValidityPeriod(cert, time, idx));
      reasons.push(...checkNameChaining(cert, path[idx + 1], idx));
      // 6.1.3 (b), (c): name constraints; a self-issued intermediate is exempt
      if (idx === 0 || !cert.isSelfIssued) {
        const violations = names.violations(cert);
        if (!violations)
          reasons.push(reason('VALIDATION_BUDGET_EXCEEDED', { certificateIndex: idx, detail: 'name constraints' }));
        else if (violations.length)
          reasons.push(reason('NAME_CONSTRAINTS_VIOLATED', { certificateIndex: idx, detail: violations.join('; ') }));
      }
      // 6.1.3 (d)-(f): certificate policies
      if (!policy.processCertificatePolicies(cert, i))
        reasons.push(reason('NO_VALID_POLICY', { certificateIndex: idx, detail: '6.1.3 (f)' }));
      if (idx > 0)
        reasons.push(...prepareForNext(cert, idx, i, policy, names, (m) => (maxPathLength = m), maxPathLength));
      else {
        // 6.1.5 wrap-up
        reasons.push(...checkCriticalExtensions(cert, 0));
        const wrap = policy.wrapUp(cert);
        out.authorityConstrainedPolicySet = wrap.authorityConstrainedPolicySet;
        out.userConstrainedPolicySet = wrap.userConstrainedPolicySet;
        if (!wrap.ok) reasons.push(reason('NO_VALID_POLICY', { certificateIndex: 0, detail: '6.1.5 (g)' }));
        reasons.push(...checkLeafPurpose(cert, opts, purpose), ...checkLeafKey(cert, algorithms, time));
      }
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      const detail = e instanceof PkiFormatError ? `${e.code}: ${e.message}` : e.message;
      reasons.push(reason('MALFORMED_CERTIFICATE', { certificateIndex: idx, detail }));
      break;
    }
  }
  return out;
}

/** 6.1.4: preparation for certificate i + 1, for an intermediate. */
function prepareForNext(
  cert: Certificate,
  idx: number,
  i: number,
  policy: PolicyState,
  names: NameConstraintsState,
  setMax: (m: number) => void,
  maxPathLength: number,
): ValidationReason[] {
  const reasons: ValidationReason[] = [];
  // (a), (b): policy mappings
  const mappingFailure = policy.processPolicyMappings(cert, i);
  if (mappingFailure) reasons.push(reason(mappingFailure, { certificateIndex: idx }));
  // (c)-(f): working issuer name and key follow from path[idx] (workingPublicKey, name chaining)
  // (g): name constraints
  const nc = nameConstraints(cert);
  if (nc) names.add(nc);
  // (h)-(j): policy counters
  policy.updateCounters(cert);
  // (k)-(n)
  reasons.push(...checkBasicConstraints(cert, idx));
  const pl = checkPathLength(cert, maxPathLength, idx);
  reasons.push(...pl.reasons);
  setMax(pl.remaining);
  reasons.push(...checkKeyCertSign(cert, idx));
  // (o)
  reasons.push(...checkCriticalExtensions(cert, idx));
  return reasons;
}

function checkLeafPurpose(cert: Certificate, opts: PathValidationOptions, purpose: PathPurpose): ValidationReason[] {
  return [
    ...checkLeafKeyUsage(cert, purpose),
    ...checkRequiredKeyUsage(cert, opts.keyUsage),
    ...checkExtendedKeyUsage(cert, purpose),
  ];
}

function judge(all: ValidationReason[]): IndicationResult {
  const reasons = failing(all);
  for (const [code, sub] of SUB_INDICATION) if (reasons.some((r) => r.code === code)) return indeterminate(sub);
  return reasons.length === 0 ? passed() : indeterminate('CERTIFICATE_CHAIN_GENERAL_FAILURE');
}

const fails = (c: Candidate) => failing(c.check.reasons).length;

type Candidate = {
  path: Certificate[];
  check: PathCheck;
  result: IndicationResult;
  revocation: RevocationStatus[];
  revocationReasons: ValidationReason[];
};

function resultOf(c: Candidate, opts: PathValidationOptions, checked: boolean): PathValidationResult {
  const valid = c.result.indication === 'TOTAL-PASSED';
  const extra = checked ? [] : [reason('REVOCATION_NOT_CHECKED')];
  return {
    ...c.result,
    valid,
    chain: c.path,
    trustAnchor: c.path[c.path.length - 1],
    reasons: [...c.check.reasons, ...c.revocationReasons, ...extra],
    authorityConstrainedPolicySet: c.check.authorityConstrainedPolicySet,
    userConstrainedPolicySet: c.check.userConstrainedPolicySet,
    revocation: { checked, status: c.revocation },
    validationTime: opts.validationTime,
  };
}

function noPath(opts: PathValidationOptions, checked: boolean): PathValidationResult {
  return {
    ...indeterminate('NO_CERTIFICATE_CHAIN_FOUND'),
    valid: false,
    chain: [opts.leaf],
    trustAnchor: null,
    reasons: [
      reason('NO_CERTIFICATE_CHAIN_FOUND', { certificateIndex: 0, detail: `issuer ${opts.leaf.issuer.toString()}` }),
      ...(checked ? [] : [reason('REVOCATION_NOT_CHECKED')]),
    ],
    authorityConstrainedPolicySet: [],
    userConstrainedPolicySet: [],
    revocation: { checked, status: [] },
    validationTime: opts.validationTime,
  };
}

/** Structural candidates in order; stops at the first that passes (its revocation is judged by the caller). */
function* candidates(opts: PathValidationOptions): Generator<Candidate> {
  const anchors = normaliseAnchors(opts.trustAnchors);
  const paths = buildPaths(
    opts.leaf,
    opts.intermediates ?? [],
    anchors.map((a) => a.certificate),
    {
      // leaf + intermediates + anchor
      maxDepth: opts.maxDepth === undefined ? MAX_PATH_DEPTH : opts.maxDepth + 2,
      maxPaths: MAX_CANDIDATE_PATHS,
    },
  );
  const budget = { signatures: MAX_SIGNATURE_CHECKS };
  for (const path of paths) {
    const last = path[path.length - 1];
    const anchor = anchors.find((a) => a.certificate.sha256Hex === last.sha256Hex) ?? { certificate: last };
    const check = checkPath(path, opts, anchor, budget);
    yield { path, check, result: judge(check.reasons), revocation: [], revocationReasons: [] };
    if (budget.signatures <= 0) return;
  }
}

/** Among failures, prefer the one that failed on revocation only, then the one with fewest reasons. */
const better = (a: Candidate, b: Candidate | undefined) =>
  !b || (fails(a) === 0 && fails(b) > 0) || (fails(a) > 0 === fails(b) > 0 && fails(a) < fails(b));

/**
 * Builds candidate paths and validates them in turn (RFC 5280 6.1); the first valid one wins, else
 * the best failure is reported. Without `revocation` the answer is synchronous and says revocation
 * was not checked; with it the answer is a Promise (the checker may fetch), and a path failing on
 * revocation makes the next candidate be tried (another issuer may not be revoked).
 */
export function validatePath(opts: PathValidationOptions & { revocation?: undefined }): PathValidationResult;
export function validatePath(
  opts: PathValidationOptions & { revocation: PathRevocationOptions },
): Promise<PathValidationResult>;
export function validatePath(opts: PathValidationOptions): PathValidationResult | Promise<PathValidationResult>;
export function validatePath(opts: PathValidationOptions): PathValidationResult | Promise<PathValidationResult> {
  if (opts.revocation) return validatePathWithRevocation(opts, opts.revocation);
  let best: Candidate | undefined;
  for (const c of candidates(opts)) {
    if (fails(c) === 0) return resultOf(c, opts, false);
    if (better(c, best)) best = c;
  }
  return best ? resultOf(best, opts, false) : noPath(opts, false);
}

async function validatePathWithRevocation(
  opts: PathValidationOptions,
  rev: PathRevocationOptions,
): Promise<PathValidationResult> {
  let best: Candidate | undefined;
  for (const c of candidates(opts)) {
    if (fails(c) === 0) {
      c.revocation = await statusesOf(c.path, opts.validationTime, rev.checker);
      const judged = judgeRevocation(c.revocation, opts.validationTime, rev.required, opts.proofOfExistence);
      c.revocationReasons = judged.reasons;
      if (!judged.result) return resultOf(c, opts, true);
      c.result = judged.result;
    }
    if (better(c, best)) best = c;
  }
  return best ? resultOf(best, opts, true) : noPath(opts, true);
}

/** 6.1.3 (a)(3) for every certificate but the anchor; a checker that throws yields `unknown`, never a crash. */
async function statusesOf(path: Certificate[], time: Date, checker: RevocationChecker): Promise<RevocationStatus[]> {
  const out: RevocationStatus[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    try {
      out.push(await checker.check({ certificate: path[i], issuer: path[i + 1], time, path }));
    } catch (e) {
      out.push(unknownStatus('REVOCATION_CHECKER_ERROR', e instanceof PkiFormatError ? e.code : 'UNEXPECTED_ERROR'));
    }
  }
  return out;
}
