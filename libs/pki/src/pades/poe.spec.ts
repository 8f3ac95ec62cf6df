import { indeterminate, passed } from '../indication';
import { reason } from '../validation/reasons';
import type { PathValidationResult } from '../validation/validate-path';
import { judgementTime, judgePastSignature, proofOfExistence, timestampOrderProblem, TimestampFact } from './poe';

const t = (iso: string) => new Date(iso);
const path = (result: ReturnType<typeof passed>, codes: Parameters<typeof reason>[0][] = []) =>
  ({
    ...result,
    valid: result.indication === 'TOTAL-PASSED',
    reasons: codes.map((c) => reason(c)),
  }) as PathValidationResult;

describe('proof of existence rules (ETSI EN 319 102-1 5.6.2.1)', () => {
  const ts = (type: TimestampFact['type'], iso: string, valid = true): TimestampFact => ({
    type,
    genTime: t(iso),
    valid,
  });

  it('the POE is the earliest valid timestamp; invalid ones and the claimed time count for nothing', () => {
    expect(proofOfExistence([])).toBeNull();
    expect(proofOfExistence([ts('signature', '2026-01-01T00:00:00Z', false)])).toBeNull();
    expect(
      proofOfExistence([
        ts('document', '2026-03-01T00:00:00Z'),
        ts('signature', '2026-01-01T00:00:00Z', false),
        ts('signature', '2026-02-01T00:00:00Z'),
      ]),
    ).toEqual(t('2026-02-01T00:00:00Z'));
    expect(proofOfExistence([ts('signature', '2026-02-01T00:00:00Z')], t('2026-01-15T00:00:00Z'))).toBeNull();
  });

  it('judges at the POE when there is one, else at the validation time (never later than it)', () => {
    const now = t('2026-06-01T00:00:00Z');
    expect(judgementTime(null, now)).toBe(now);
    expect(judgementTime(t('2026-02-01T00:00:00Z'), now)).toEqual(t('2026-02-01T00:00:00Z'));
    expect(judgementTime(t('2027-01-01T00:00:00Z'), now)).toBe(now);
  });

  it('an expired path is OUT_OF_BOUNDS_NO_POE; a revocation without POE says the claim did not help', () => {
    const expired = judgePastSignature(path(indeterminate('EXPIRED'), ['EXPIRED']), null);
    expect(expired.result).toEqual(indeterminate('OUT_OF_BOUNDS_NO_POE'));
    expect(expired.reasons.map((r) => r.code)).toEqual(['EXPIRED', 'OUT_OF_BOUNDS_NO_POE', 'NO_PROOF_OF_EXISTENCE']);
    const revoked = judgePastSignature(path(indeterminate('REVOKED_NO_POE'), ['REVOKED']), null);
    expect(revoked.reasons.map((r) => r.code)).toEqual(['REVOKED', 'NO_PROOF_OF_EXISTENCE']);
    const ok = judgePastSignature(path(passed()), t('2026-02-01T00:00:00Z'));
    expect(ok.result).toEqual(passed());
    expect(ok.reasons.map((r) => [r.code, r.detail])).toEqual([
      ['JUDGED_AT_PROOF_OF_EXISTENCE', '2026-02-01T00:00:00.000Z'],
    ]);
  });

  it('a claimed time later than a timestamp (beyond the tolerance and accuracy) is an ordering failure', () => {
    const stamp = ts('signature', '2026-02-01T00:00:00Z');
    expect(timestampOrderProblem(t('2026-02-01T00:04:59Z'), [stamp])).toBeNull();
    expect(timestampOrderProblem(t('2026-02-01T00:05:01Z'), [stamp])?.code).toBe('TIMESTAMP_ORDER_FAILURE');
    expect(timestampOrderProblem(t('2026-02-01T00:05:01Z'), [{ ...stamp, accuracyMs: 2000 }])).toBeNull();
    expect(timestampOrderProblem(t('2026-02-01T01:00:00Z'), [{ ...stamp, valid: false }])).toBeNull();
    expect(timestampOrderProblem(null, [stamp])).toBeNull();
  });
});
