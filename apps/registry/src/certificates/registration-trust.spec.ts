import { indeterminate, passed, PathValidationResult, reason, ReasonCode } from '@kyso/pki';
import { trustProblem, trustRefusal } from './registration-trust';

const result = (
  codes: ReasonCode[],
  outcome = indeterminate('CERTIFICATE_CHAIN_GENERAL_FAILURE'),
): PathValidationResult =>
  ({
    ...outcome,
    valid: outcome.indication === 'TOTAL-PASSED',
    reasons: codes.map((c) => reason(c, { certificateIndex: 0 })),
  }) as unknown as PathValidationResult;

describe('trustRefusal', () => {
  it('passes a valid path, whatever informational reasons it carries', () => {
    expect(trustRefusal(result([], passed()))).toBeNull();
  });

  it('tells no anchor, a broken path, a revocation and an unknown status apart', () => {
    expect(trustRefusal(result(['NO_CERTIFICATE_CHAIN_FOUND']))).toBe('CERTIFICATE_NOT_TRUSTED');
    expect(trustRefusal(result(['EXPIRED'], indeterminate('EXPIRED')))).toBe('CERTIFICATE_PATH_INVALID');
    expect(trustRefusal(result(['REVOKED'], indeterminate('REVOKED_NO_POE')))).toBe('CERTIFICATE_REVOKED');
    expect(trustRefusal(result(['CA_REVOKED'], indeterminate('REVOKED_CA_NO_POE')))).toBe('CERTIFICATE_REVOKED');
    expect(trustRefusal(result(['CERTIFICATE_ON_HOLD'], indeterminate('REVOKED_NO_POE')))).toBe('CERTIFICATE_REVOKED');
    expect(trustRefusal(result(['REVOCATION_STATUS_UNKNOWN'], indeterminate('TRY_LATER')))).toBe(
      'CERTIFICATE_REVOCATION_UNKNOWN',
    );
  });

  it('never reads a revoked certificate as merely unknown', () => {
    expect(trustRefusal(result(['REVOKED', 'REVOCATION_STATUS_UNKNOWN'], indeterminate('REVOKED_NO_POE')))).toBe(
      'CERTIFICATE_REVOKED',
    );
  });
});

describe('trustProblem', () => {
  it('is a 422 with the code, English and Vietnamese, and the failing reasons only', () => {
    const p = trustProblem('CERTIFICATE_REVOKED', [
      reason('REVOKED', { certificateIndex: 0, detail: 'keyCompromise' }),
      reason('CERTIFICATE_PROFILE_VIOLATION', { certificateIndex: 1, level: 'warn' }),
    ]).toProblem();
    expect(p).toMatchObject({ status: 422, code: 'CERTIFICATE_REVOKED', message: expect.any(String) });
    expect(p.messageVi).toMatch(/thu hồi/);
    expect(p.reasons).toEqual([
      expect.objectContaining({ code: 'REVOKED', certificateIndex: 0, detail: 'keyCompromise' }),
    ]);
  });
});
