import { indeterminate, IndicationResult, passed } from '../indication';
import { reason, ValidationReason } from '../validation/reasons';
import type { PathValidationResult } from '../validation/validate-path';

/** A timestamp over a signature, as the POE rules need it: what kind, when, and whether it held. */
export interface TimestampFact {
  type: 'signature' | 'document';
  genTime: Date | null;
  valid: boolean;
  /** The TSA's stated accuracy, widening the ordering tolerance. */
  accuracyMs?: number;
}

/**
 * Tolerance for "the claimed signing time is not after the timestamp": the signer's and the TSA's
 * clocks differ, and PDF /M has whole seconds only (DSS allows a similar delta).
 */
export const SIGNING_TIME_TOLERANCE_MS = 5 * 60_000;

/**
 * ETSI EN 319 102-1 5.6.2.1: the best signature time is the earliest time a valid timestamp over
 * the signature (signature timestamp, or a document timestamp whose range covers it) proves it
 * existed. The claimed signing time is written by the signer and proves nothing. Null without one.
 */
export function proofOfExistence(timestamps: readonly TimestampFact[], validationTime?: Date): Date | null {
  // A timestamp later than the validation time (e.g. validating as of a past date) proves nothing then.
  const limit = validationTime?.getTime() ?? Infinity;
  const times = timestamps
    .filter((t) => t.valid && t.genTime && t.genTime.getTime() <= limit)
    .map((t) => t.genTime!.getTime());
  return times.length ? new Date(Math.min(...times)) : null;
}

/** The time the signer's path is judged at: the proof of existence, else the validation time ("now"). */
export function judgementTime(poe: Date | null, validationTime: Date): Date {
  return poe && poe.getTime() <= validationTime.getTime() ? poe : validationTime;
}

/**
 * A claimed signing time later than a valid timestamp over the signature contradicts it
 * (ETSI EN 319 102-1 5.6.2.4 ordering): the claim is false, so nothing the signer says about
 * time can be trusted. Null when the order holds or there is no claim.
 */
export function timestampOrderProblem(
  claimed: Date | null,
  timestamps: readonly TimestampFact[],
): ValidationReason | null {
  if (!claimed) return null;
  const bad = timestamps.find(
    (t) =>
      t.valid && t.genTime && claimed.getTime() > t.genTime.getTime() + SIGNING_TIME_TOLERANCE_MS + (t.accuracyMs ?? 0),
  );
  return bad
    ? reason('TIMESTAMP_ORDER_FAILURE', {
        detail: `claimed ${claimed.toISOString()}, ${bad.type} timestamp ${bad.genTime!.toISOString()}`,
      })
    : null;
}

/**
 * The past-signature judgement of a path already validated at judgementTime(poe, T), ETSI EN 319
 * 102-1 5.6.2.1 with the sub-indications of 5.1.3:
 *
 * | path at the judgement time                   | no POE (judged at T)            | POE P (judged at P)            |
 * |----------------------------------------------|---------------------------------|--------------------------------|
 * | valid                                        | passes                          | passes (JUDGED_AT_POE)         |
 * | a certificate expired (notAfter < time)      | INDETERMINATE/OUT_OF_BOUNDS_NO_POE (also when it expired before P: |
 * |                                              | P bounds the signing from above, it does not prove it was after)   |
 * | revoked at R <= time                         | INDETERMINATE/REVOKED_NO_POE (R <= P: no POE before R either)      |
 * | anything else                                | the path's own result                                              |
 *
 * Revocation after P is good at P (the path was asked as of P). The claimed time never moves
 * the judgement: without a POE a certificate revoked for any reason after the claim but before T
 * is REVOKED_NO_POE, since the claim could be back-dated.
 */
export function judgePastSignature(
  path: PathValidationResult,
  poe: Date | null,
): { result: IndicationResult; reasons: ValidationReason[] } {
  const reasons = [...path.reasons];
  if (poe) reasons.push(reason('JUDGED_AT_PROOF_OF_EXISTENCE', { detail: poe.toISOString() }));
  let result: IndicationResult = path.valid ? passed() : path;
  if (path.subIndication === 'EXPIRED') {
    result = indeterminate('OUT_OF_BOUNDS_NO_POE');
    reasons.push(reason('OUT_OF_BOUNDS_NO_POE'));
  }
  // Say why the claimed time did not help, where it would have.
  const noPoe = result.subIndication === 'OUT_OF_BOUNDS_NO_POE' || result.subIndication === 'REVOKED_NO_POE';
  if (!poe && noPoe) reasons.push(reason('NO_PROOF_OF_EXISTENCE'));
  return { result, reasons };
}
