import { HttpStatus } from '@nestjs/common';
import { ProblemError } from '@kyso/common';
import { failing, type PathValidationResult, type ValidationReason } from '@kyso/pki';

/** Why a certificate is refused at registration: each a stable code, all 422. */
export type TrustRefusal =
  'CERTIFICATE_NOT_TRUSTED' | 'CERTIFICATE_PATH_INVALID' | 'CERTIFICATE_REVOKED' | 'CERTIFICATE_REVOCATION_UNKNOWN';

export const TRUST_REFUSALS: readonly TrustRefusal[] = [
  'CERTIFICATE_NOT_TRUSTED',
  'CERTIFICATE_PATH_INVALID',
  'CERTIFICATE_REVOKED',
  'CERTIFICATE_REVOCATION_UNKNOWN',
];

const MESSAGES: Record<TrustRefusal, { en: string; vi: string }> = {
  CERTIFICATE_NOT_TRUSTED: {
    en: 'The certificate does not chain to an enabled trust anchor of the registry',
    vi: 'Chứng thư số không dẫn về chứng thư số gốc tin cậy nào đang được sử dụng trong hệ thống.',
  },
  CERTIFICATE_PATH_INVALID: {
    en: 'The certificate path to the trust anchor is not valid (RFC 5280): see reasons',
    vi: 'Chuỗi chứng thư số tới chứng thư số gốc tin cậy không hợp lệ (hết hạn, sai chữ ký hoặc sai ràng buộc).',
  },
  CERTIFICATE_REVOKED: {
    en: 'The certificate, or a CA certificate of its path, is revoked or on hold',
    vi: 'Chứng thư số (hoặc chứng thư số của tổ chức cấp) đã bị thu hồi hoặc tạm dừng.',
  },
  CERTIFICATE_REVOCATION_UNKNOWN: {
    en: 'The revocation status of the certificate could not be established (CRL/OCSP unavailable); try again later',
    vi: 'Không xác định được tình trạng thu hồi của chứng thư số (không truy cập được CRL/OCSP); đề nghị thử lại sau.',
  },
};

const REVOKED = new Set(['REVOKED', 'CA_REVOKED', 'CERTIFICATE_ON_HOLD']);
const UNKNOWN = new Set(['REVOCATION_STATUS_UNKNOWN', 'REVOCATION_OUT_OF_BOUNDS']);

/** The refusal a path validation (with revocation required) means for a registration; null when it passed. */
export function trustRefusal(result: PathValidationResult): TrustRefusal | null {
  if (result.valid) return null;
  const codes = new Set(failing(result.reasons).map((r) => r.code));
  if (codes.has('NO_CERTIFICATE_CHAIN_FOUND')) return 'CERTIFICATE_NOT_TRUSTED';
  if ([...codes].some((c) => REVOKED.has(c))) return 'CERTIFICATE_REVOKED';
  // The structure passed (revocation is only asked for a path that did) and only the status is missing.
  if (result.subIndication === 'TRY_LATER' || result.subIndication === 'REVOCATION_OUT_OF_BOUNDS_NO_POE')
    return [...codes].some((c) => UNKNOWN.has(c)) ? 'CERTIFICATE_REVOCATION_UNKNOWN' : 'CERTIFICATE_PATH_INVALID';
  return 'CERTIFICATE_PATH_INVALID';
}

/** The 422 answer for a refusal: English and Vietnamese, and the validator's reasons (codes and details). */
export function trustProblem(refusal: TrustRefusal, reasons: readonly ValidationReason[]): ProblemError {
  const m = MESSAGES[refusal];
  return new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, refusal, 'Unprocessable content', m.en, {
    message: m.en,
    messageVi: m.vi,
    reasons: failing(reasons).map((r) => ({
      code: r.code,
      certificateIndex: r.certificateIndex,
      message: r.message,
      messageVi: r.messageVi,
      detail: r.detail,
    })),
  });
}
