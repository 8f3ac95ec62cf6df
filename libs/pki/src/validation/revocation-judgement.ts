import { failed, indeterminate, IndicationResult } from '../indication';
import { RevocationStatus } from '../revocation/types';
import { reason, ReasonCode, ValidationReason } from './reasons';

/** Problem codes (RevocationStatus.problems) meaning: the evidence postdates the certificate's expiry. */
export const OUT_OF_BOUNDS_PROBLEMS: ReadonlySet<string> = new Set([
  'CRL_ISSUED_AFTER_CERTIFICATE_EXPIRY',
  'OCSP_RESPONSE_AFTER_CERTIFICATE_EXPIRY',
]);

/**
 * How each certificate's revocation status is judged, ETSI EN 319 102-1 clause 5.2.6 (X.509
 * certificate validation) with the sub-indications of 5.1.3. T = validation time, R = revocation
 * time, P = proof of existence (POE) of the signed object, when the caller has one.
 *
 * | status of certificate i                    | leaf (i = 0)                    | CA (i > 0)                     |
 * |--------------------------------------------|---------------------------------|--------------------------------|
 * | good, or revoked with R > T ("as of T")    | passes (REVOKED_AFTER_... info) | passes                         |
 * | revoked, R <= T, P given and P < R         | passes: existed before R        | passes                         |
 * | revoked, R <= T, P given and R <= P        | TOTAL-FAILED / REVOKED          | INDETERMINATE/REVOKED_CA_NO_POE|
 * | revoked, R <= T, no P                      | INDETERMINATE / REVOKED_NO_POE  | INDETERMINATE/REVOKED_CA_NO_POE|
 * | certificateHold with R <= T (no release)   | as revoked (suspended then)     | as revoked                     |
 * | unknown, evidence issued after expiry      | INDETERMINATE / REVOCATION_OUT_OF_BOUNDS_NO_POE (when required) |
 * | unknown otherwise                          | INDETERMINATE / TRY_LATER (when required)                       |
 * | unknown, not required                      | passes, REVOCATION_STATUS_UNKNOWN reason                        |
 *
 * The rows are tried in this order of severity: revoked leaf, revoked CA, unknown.
 */
export function judgeRevocation(
  statuses: RevocationStatus[],
  time: Date,
  required: boolean,
  proofOfExistence?: Date,
): { result?: IndicationResult; reasons: ValidationReason[] } {
  const reasons: ValidationReason[] = [];
  let result: IndicationResult | undefined;
  let severity = 0;
  const set = (r: IndicationResult, s: number) => {
    if (s > severity) {
      result = r;
      severity = s;
    }
  };
  statuses.forEach((st, i) => {
    const detail = [st.reason, st.revocationTime?.toISOString(), ...st.problems].filter(Boolean).join(' ') || undefined;
    if (st.status === 'revoked') {
      const r = st.revocationTime;
      if (r && r.getTime() > time.getTime())
        return void reasons.push(reason('REVOKED_AFTER_VALIDATION_TIME', { certificateIndex: i, detail }));
      if (r && proofOfExistence && proofOfExistence.getTime() < r.getTime())
        return void reasons.push(
          reason('REVOKED_AFTER_VALIDATION_TIME', {
            certificateIndex: i,
            detail: `${detail}; proof of existence ${proofOfExistence.toISOString()}`,
          }),
        );
      const code: ReasonCode =
        st.reason === 'certificateHold' ? 'CERTIFICATE_ON_HOLD' : i === 0 ? 'REVOKED' : 'CA_REVOKED';
      reasons.push(reason(code, { certificateIndex: i, detail }));
      if (i > 0) set(indeterminate('REVOKED_CA_NO_POE'), 2);
      else if (proofOfExistence) set(failed('REVOKED'), 3);
      else set(indeterminate('REVOKED_NO_POE'), 3);
      return;
    }
    if (st.status === 'unknown') {
      const outOfBounds = st.problems.some((p) => OUT_OF_BOUNDS_PROBLEMS.has(p));
      reasons.push(
        reason(outOfBounds ? 'REVOCATION_OUT_OF_BOUNDS' : 'REVOCATION_STATUS_UNKNOWN', { certificateIndex: i, detail }),
      );
      if (required) set(indeterminate(outOfBounds ? 'REVOCATION_OUT_OF_BOUNDS_NO_POE' : 'TRY_LATER'), 1);
      return;
    }
    if (st.revocationTime && st.revocationTime.getTime() > time.getTime())
      reasons.push(reason('REVOKED_AFTER_VALIDATION_TIME', { certificateIndex: i, detail }));
  });
  return { result, reasons };
}
