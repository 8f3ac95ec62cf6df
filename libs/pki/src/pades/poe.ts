import { failed, indeterminate, IndicationResult, passed } from '../indication';
import { reason, ValidationReason } from '../validation/reasons';
import type { PathValidationResult } from '../validation/validate-path';
import type { Certificate } from '../x509/certificate';

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

/**
 * A proof of existence from outside the document: the verifier's own sealed record that it found
 * this signature valid at `time` (issue 10, R26). It counts like a timestamp's; the earliest wins.
 */
export interface ExternalProofOfExistence {
  /** SHA-256 (hex) of the signature's /Contents (the CMS), as SignatureReport.signatureSha256. */
  signatureSha256: string;
  time: Date;
  source: 'kyso-evidence';
  /** The record that proves it, shown in the report. */
  evidenceId: string;
}

/** What the judgement time rests on: a timestamp, our own evidence, or nothing (the validation time). */
export interface ProvenTime {
  poe: Date | null;
  provenBy: 'timestamp' | 'kyso-evidence' | null;
  evidenceId: string | null;
}

/**
 * The earliest of the timestamps' POE and the external proofs for this signature (only those not
 * after the validation time: a proof later than it proves nothing then).
 */
export function earliestProof(
  timestampPoe: Date | null,
  external: readonly ExternalProofOfExistence[],
  signatureSha256: string,
  validationTime: Date,
): ProvenTime {
  let best: ProvenTime = { poe: timestampPoe, provenBy: timestampPoe ? 'timestamp' : null, evidenceId: null };
  for (const e of external) {
    if (e.signatureSha256.toUpperCase() !== signatureSha256 || e.time.getTime() > validationTime.getTime()) continue;
    if (!best.poe || e.time.getTime() < best.poe.getTime())
      best = { poe: e.time, provenBy: e.source, evidenceId: e.evidenceId };
  }
  return best;
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
 * ETSI EN 319 102-1 5.5 (validation process for signatures with time; DSS TSV_IBSTAIDOSC): a
 * signature proven to exist before its certificate's notBefore was not made with that certificate
 * as issued: TOTAL-FAILED/NOT_YET_VALID, not the INDETERMINATE a path judged at that time gives.
 */
export function signedBeforeIssuance(signer: Certificate, poe: Date | null): IndicationResult | null {
  return poe && poe.getTime() < signer.notBefore.getTime() ? failed('NOT_YET_VALID') : null;
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
  evidenceId: string | null = null,
): { result: IndicationResult; reasons: ValidationReason[] } {
  const reasons = [...path.reasons];
  if (poe && evidenceId)
    reasons.push(reason('JUDGED_AT_VALIDATION_EVIDENCE', { detail: `${poe.toISOString()} (evidence ${evidenceId})` }));
  else if (poe) reasons.push(reason('JUDGED_AT_PROOF_OF_EXISTENCE', { detail: poe.toISOString() }));
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
