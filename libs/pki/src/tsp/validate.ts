import { failed, indeterminate, IndicationResult, passed } from '../indication';
import type { RevocationChecker, RevocationQuery } from '../revocation/types';
import { AlgorithmPolicy, cryptoRefusals, STRICT_ALGORITHM_POLICY } from '../validation/algorithm-policy';
import { reason, ValidationReason } from '../validation/reasons';
import { PathValidationResult, validatePath } from '../validation/validate-path';
import { Certificate } from '../x509/certificate';
import { TSP_OID } from './request';
import { TimeStampVerification, verifyTimeStampToken } from './verify';

export interface TimestampValidationOptions {
  /** The TimeStampToken (CMS ContentInfo). */
  token: Uint8Array;
  /** The bytes the imprint must be over: a signature value, or a document timestamp's byte ranges. */
  data: readonly Uint8Array[];
  trustAnchors: readonly Certificate[];
  intermediates?: readonly Certificate[];
  /**
   * When the TSA's path must hold (validity, algorithms): the current validation time, or the proof
   * of existence of the token itself when a later timestamp covers it.
   */
  validationTime: Date;
  /** Revocation of the TSA's path; the status is asked as of genTime (see below). */
  revocation?: { checker: RevocationChecker; required: boolean };
  /** Default STRICT_ALGORITHM_POLICY: judged at `validationTime`, for the token and the TSA's path alike. */
  algorithmPolicy?: AlgorithmPolicy;
}

/** A timestamp's verdict: facts of the token, the TSA's path, and an ETSI indication. */
export interface TimestampValidation {
  result: IndicationResult;
  valid: boolean;
  genTime: Date | null;
  tsaCertificate: Certificate | null;
  path: PathValidationResult | null;
  token: TimeStampVerification;
  reasons: ValidationReason[];
}

/** Token problems that make the timestamp definitively wrong rather than unverifiable. */
const TOTAL_FAILURES: Record<string, 'HASH_FAILURE' | 'SIG_CRYPTO_FAILURE'> = {
  TSP_IMPRINT_MISMATCH: 'HASH_FAILURE',
  TSP_MESSAGE_DIGEST_MISMATCH: 'HASH_FAILURE',
  TSP_SIGNATURE_INVALID: 'SIG_CRYPTO_FAILURE',
};

/** Asks a checker about a fixed time, whatever the path validation asks (freshness against genTime). */
function asOf(checker: RevocationChecker, time: Date): RevocationChecker {
  return { check: (q: RevocationQuery) => checker.check({ ...q, time }) };
}

function tokenVerdict(token: TimeStampVerification): IndicationResult {
  for (const p of token.problems) {
    const sub = TOTAL_FAILURES[p];
    if (sub) return failed(sub);
  }
  if (token.problems.includes('TSA_CERTIFICATE_NOT_FOUND')) return indeterminate('NO_SIGNING_CERTIFICATE_FOUND');
  if (token.problems.includes('TSA_CERTIFICATE_NOT_FOR_TIMESTAMPING'))
    return indeterminate('CHAIN_CONSTRAINTS_FAILURE');
  if (token.problems.includes('TSA_CERTIFICATE_NOT_VALID_AT_GEN_TIME')) return indeterminate('OUT_OF_BOUNDS_NO_POE');
  return token.tstInfo ? indeterminate('SIG_CONSTRAINTS_FAILURE') : indeterminate('FORMAT_FAILURE');
}

/**
 * Validates an RFC 3161 timestamp as ETSI EN 319 102-1 5.4 does: the token (imprint over `data`,
 * the TSA's signature and ESS signing certificate), then the TSA's own path with the
 * id-kp-timeStamping purpose (RFC 3161 2.3: the only EKU, critical; checked on the token) and its
 * revocation. The path is judged at `validationTime`; revocation is asked as of genTime, so
 * evidence issued after the time the TSA vouches for counts (the TSA's own clock is what a
 * timestamp trusts). A TSA key reported compromised by the validation time voids the token
 * whenever the revocation is dated: nothing proves the token was made before the compromise.
 * Never throws.
 */
export async function validateTimestamp(opts: TimestampValidationOptions): Promise<TimestampValidation> {
  const token = verifyTimeStampToken(opts.token, {
    data: opts.data,
    extraCertificates: [...(opts.intermediates ?? [])],
  });
  const out: TimestampValidation = {
    result: passed(),
    valid: false,
    genTime: token.genTime ?? null,
    tsaCertificate: token.tsaCertificate ?? null,
    path: null,
    token,
    reasons: [],
  };
  if (!token.valid) {
    out.result = tokenVerdict(token);
    out.reasons.push(reason('TIMESTAMP_INVALID', { detail: token.problems.join(', ') }));
    return out;
  }
  const genTime = token.genTime!;
  // EN 319 102-1 5.2.8 / 5.4: a token on algorithms no longer reliable at the time it is judged
  // (its own POE, else now) proves nothing: a SHA-1 imprint could be a collision's.
  const policy = opts.algorithmPolicy ?? STRICT_ALGORITHM_POLICY;
  const refused = token.crypto ? cryptoRefusals(policy, token.crypto, opts.validationTime) : [];
  if (refused.length > 0) {
    out.result = indeterminate('CRYPTO_CONSTRAINTS_FAILURE_NO_POE');
    out.reasons.push(reason('TIMESTAMP_INVALID', { detail: `algorithms not allowed: ${refused.join('; ')}` }));
    return out;
  }
  const pathOptions = {
    leaf: token.tsaCertificate!,
    intermediates: [...token.certificates, ...(opts.intermediates ?? [])],
    trustAnchors: opts.trustAnchors,
    validationTime: opts.validationTime,
    purpose: TSP_OID.timeStamping,
    algorithmPolicy: policy,
  };
  const path = opts.revocation
    ? await validatePath({
        ...pathOptions,
        revocation: { checker: asOf(opts.revocation.checker, genTime), required: opts.revocation.required },
      })
    : validatePath(pathOptions);
  out.path = path;
  out.reasons.push(...path.reasons);
  if (!path.valid) {
    // ETSI EN 319 102-1 5.2.6: expired at the time judged, and nothing proves the token older.
    out.result = path.subIndication === 'EXPIRED' ? indeterminate('OUT_OF_BOUNDS_NO_POE') : path;
    out.reasons.push(reason('TIMESTAMP_INVALID', { detail: 'the TSA certificate path is not valid' }));
    return out;
  }
  if (opts.revocation?.required && !path.revocation.checked) {
    out.result = indeterminate('TRY_LATER');
    return out;
  }
  const tsa = path.revocation.status[0];
  if (tsa?.reason === 'keyCompromise' && tsa.revocationTime && tsa.revocationTime <= opts.validationTime) {
    out.result = indeterminate('REVOKED_NO_POE');
    out.reasons.push(reason('TIMESTAMP_INVALID', { detail: 'the TSA key was reported compromised' }));
    return out;
  }
  out.valid = true;
  return out;
}
