import type { CertificateCheckResultDto } from '@kyso/contracts';
import { toCheckResult } from './certificate-check.client';

describe("the verifier's certificate check as the signer reads it", () => {
  const answer = (over: Partial<CertificateCheckResultDto>): CertificateCheckResultDto => ({
    indication: 'TOTAL-PASSED',
    reasons: [],
    evidence: { certificatesPem: [], crls: [], ocsps: [] },
    checkedAt: '2026-12-02T00:00:00.000Z',
    ...over,
  });
  const reason = (code: string) => ({ code, message: `${code} (en)`, messageVi: `${code} (vi)` });

  it('signs only on TOTAL-PASSED, with the evidence decoded', () => {
    const r = toCheckResult(answer({ evidence: { certificatesPem: [], crls: ['AQID'], ocsps: ['BAU='] } }));
    expect(r).toEqual({
      ok: true,
      evidence: { certificates: [], crls: [Uint8Array.of(1, 2, 3)], ocsps: [Uint8Array.of(4, 5)] },
    });
  });

  it('names a revocation CERTIFICATE_REVOKED, whatever else failed with it', () => {
    const r = toCheckResult(
      answer({
        indication: 'INDETERMINATE',
        subIndication: 'REVOKED_NO_POE',
        reasons: [reason('EXPIRED'), reason('REVOKED')],
      }),
    );
    expect(r).toMatchObject({ ok: false, code: 'CERTIFICATE_REVOKED', messageVi: 'Từ chối ký: REVOKED (vi)' });
    expect(r.ok || r.retryAfterSeconds).toBeUndefined();
  });

  it('makes unknown revocation a retry (never a pass), and anything else CERTIFICATE_NOT_VALID', () => {
    const unknown = toCheckResult(
      answer({
        indication: 'INDETERMINATE',
        subIndication: 'TRY_LATER',
        reasons: [reason('REVOCATION_STATUS_UNKNOWN')],
      }),
    );
    expect(unknown).toMatchObject({ ok: false, code: 'CERTIFICATE_REVOCATION_UNKNOWN', retryAfterSeconds: 30 });
    const expired = toCheckResult(
      answer({ indication: 'INDETERMINATE', subIndication: 'EXPIRED', reasons: [reason('EXPIRED')] }),
    );
    expect(expired).toMatchObject({
      ok: false,
      code: 'CERTIFICATE_NOT_VALID',
      message: 'Signing refused: EXPIRED (en)',
    });
    const bare = toCheckResult(answer({ indication: 'TOTAL-FAILED', subIndication: 'SIG_CRYPTO_FAILURE' }));
    expect(bare).toMatchObject({
      ok: false,
      code: 'CERTIFICATE_NOT_VALID',
      messageVi: expect.stringMatching(/^Từ chối ký/),
    });
  });
});
