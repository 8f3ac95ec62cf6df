import { Reason } from '../indication';
import { ConstraintCheck, ConstraintLevel } from './constraints';

/**
 * The catalogue of reason codes: stable codes, English for operators, Vietnamese for officials.
 * Codes never change meaning; add new ones rather than rewording an old one into another.
 */
export const REASONS = {
  // Certification path (RFC 5280 6.1)
  NO_CERTIFICATE_CHAIN_FOUND: {
    message: 'No certification path to a trusted certification authority was found',
    messageVi: 'Không tìm thấy chuỗi chứng thư số đến một tổ chức cung cấp dịch vụ chứng thực tin cậy',
  },
  CERTIFICATE_SIGNATURE_INVALID: {
    message: "The certificate's signature does not verify with its issuer's public key",
    messageVi: 'Chữ ký trên chứng thư số không khớp với khóa công khai của tổ chức cấp',
  },
  UNSUPPORTED_SIGNATURE_ALGORITHM: {
    message: 'The certificate is signed with an algorithm that is not supported',
    messageVi: 'Chứng thư số được ký bằng thuật toán không được hỗ trợ',
  },
  EXPIRED: {
    message: 'The certificate had expired at the validation time',
    messageVi: 'Chứng thư số đã hết hạn tại thời điểm kiểm tra',
  },
  NOT_YET_VALID: {
    message: 'The certificate was not yet valid at the validation time',
    messageVi: 'Chứng thư số chưa có hiệu lực tại thời điểm kiểm tra',
  },
  ISSUER_NOT_CA: {
    message: 'An issuing certificate is not a certification authority (basicConstraints cA is not set)',
    messageVi: 'Chứng thư số của bên cấp không phải là chứng thư số của tổ chức chứng thực (thiếu cA)',
  },
  PATH_LENGTH_EXCEEDED: {
    message: "The path is longer than a certification authority's pathLenConstraint allows",
    messageVi: 'Chuỗi chứng thư số dài hơn mức giới hạn (pathLenConstraint) của tổ chức chứng thực',
  },
  ISSUER_KEY_USAGE_NO_CERT_SIGN: {
    message: "An issuing certificate's key usage does not allow signing certificates (keyCertSign)",
    messageVi: 'Mục đích sử dụng khóa của bên cấp không cho phép ký chứng thư số (keyCertSign)',
  },
  KEY_USAGE_NOT_FOR_SIGNING: {
    message: "The signer certificate's key usage allows neither digitalSignature nor nonRepudiation",
    messageVi: 'Mục đích sử dụng khóa của chứng thư số không cho phép ký văn bản (digitalSignature, nonRepudiation)',
  },
  UNKNOWN_CRITICAL_EXTENSION: {
    message: 'The certificate carries a critical extension that is not processed',
    messageVi: 'Chứng thư số có phần mở rộng bắt buộc (critical) không được hỗ trợ',
  },
  NAME_CHAINING_FAILED: {
    message: "A certificate's issuer name does not match the subject of the next certificate",
    messageVi: 'Tên bên cấp của chứng thư số không khớp với chủ thể của chứng thư số cấp trên',
  },
  VALIDATION_BUDGET_EXCEEDED: {
    message: 'Path validation stopped: too many candidate paths or signature checks',
    messageVi: 'Dừng kiểm tra chuỗi chứng thư số: vượt quá giới hạn số lần kiểm tra',
  },
  MALFORMED_CERTIFICATE: {
    message: 'A certificate in the path is malformed (an extension cannot be read)',
    messageVi: 'Một chứng thư số trong chuỗi bị sai định dạng (không đọc được phần mở rộng)',
  },
  ISSUER_PUBLIC_KEY_UNUSABLE: {
    message: "The issuer's public key cannot be used to verify signatures",
    messageVi: 'Không thể dùng khóa công khai của tổ chức cấp để kiểm tra chữ ký',
  },
  ALGORITHM_NOT_ALLOWED: {
    message:
      'A signature or key in the path uses an algorithm or key size the algorithm policy refuses at the validation time',
    messageVi:
      'Chữ ký hoặc khóa trong chuỗi dùng thuật toán hoặc độ dài khóa không còn được chấp nhận tại thời điểm kiểm tra',
  },
  NAME_CONSTRAINTS_VIOLATED: {
    message: "A certificate's names are outside the name constraints of a certification authority above it",
    messageVi:
      'Tên trong chứng thư số nằm ngoài phạm vi tên (name constraints) mà tổ chức chứng thực cấp trên cho phép',
  },
  NO_VALID_POLICY: {
    message: 'The path does not satisfy the required certificate policies',
    messageVi: 'Chuỗi chứng thư số không đáp ứng chính sách chứng thư (certificate policy) được yêu cầu',
  },
  POLICY_MAPPING_ANY_POLICY: {
    message: 'A certification authority maps to or from anyPolicy, which is not allowed',
    messageVi: 'Tổ chức chứng thực ánh xạ chính sách từ hoặc đến anyPolicy, điều này không được phép',
  },
  EXTENDED_KEY_USAGE_MISMATCH: {
    message: "The certificate's extended key usage does not allow the requested purpose",
    messageVi: 'Mục đích sử dụng mở rộng (extended key usage) của chứng thư số không cho phép mục đích được yêu cầu',
  },
  CERTIFICATE_PROFILE_VIOLATION: {
    message: 'A certificate in the path breaks a rule of the RFC 5280 certificate profile',
    messageVi: 'Một chứng thư số trong chuỗi vi phạm quy định về cấu trúc chứng thư số của RFC 5280',
  },
  TRUST_ANCHOR_PURPOSE_MISMATCH: {
    message: 'The trusted certification authority is not trusted for this purpose',
    messageVi: 'Tổ chức chứng thực tin cậy không được tin cậy cho mục đích này',
  },
  KEY_USAGE_NOT_ALLOWED: {
    message: "The certificate's key usage allows none of the required uses",
    messageVi: 'Mục đích sử dụng khóa của chứng thư số không có mục đích nào được yêu cầu',
  },
  // Revocation (RFC 5280 6.1.3 (a)(3), 6.3; ETSI EN 319 102-1 5.2.6)
  REVOKED: {
    message: 'The certificate was revoked at the validation time',
    messageVi: 'Chứng thư số đã bị thu hồi tại thời điểm kiểm tra',
  },
  CA_REVOKED: {
    message: "A certification authority's certificate in the path was revoked at the validation time",
    messageVi: 'Chứng thư số của một tổ chức chứng thực trong chuỗi đã bị thu hồi tại thời điểm kiểm tra',
  },
  CERTIFICATE_ON_HOLD: {
    message: 'The certificate was suspended (on hold) at the validation time',
    messageVi: 'Chứng thư số đang bị tạm dừng hiệu lực tại thời điểm kiểm tra',
  },
  REVOCATION_STATUS_UNKNOWN: {
    message: 'The revocation status of a certificate could not be established',
    messageVi: 'Không xác định được tình trạng thu hồi của chứng thư số',
  },
  REVOCATION_OUT_OF_BOUNDS: {
    message: 'The only revocation information was issued after the certificate expired and may no longer list it',
    messageVi:
      'Thông tin thu hồi được phát hành sau khi chứng thư số hết hạn nên có thể không còn liệt kê chứng thư số này',
  },
  REVOKED_AFTER_VALIDATION_TIME: {
    message: 'The certificate was revoked, but only after the validation time: it was valid then',
    messageVi: 'Chứng thư số bị thu hồi sau thời điểm kiểm tra: tại thời điểm đó chứng thư số vẫn còn hiệu lực',
  },
  // Time and proof of existence (ETSI EN 319 102-1 5.4, 5.6)
  NO_PROOF_OF_EXISTENCE: {
    message:
      'No timestamp proves when the signature was made: it is judged at the validation time (the claimed signing time is only a claim)',
    messageVi:
      'Không có dấu thời gian chứng minh thời điểm ký: chữ ký được đánh giá tại thời điểm kiểm tra (thời điểm ký do người ký tự khai)',
  },
  OUT_OF_BOUNDS_NO_POE: {
    message:
      'A certificate of the path had expired at the validation time and nothing proves the signature existed before',
    messageVi:
      'Một chứng thư số trong chuỗi đã hết hạn tại thời điểm kiểm tra và không có bằng chứng chữ ký tồn tại trước khi hết hạn',
  },
  SIGNED_BEFORE_CERTIFICATE_ISSUANCE: {
    message: "A valid proof of existence shows the signature existed before its signing certificate's notBefore",
    messageVi: 'Bằng chứng tồn tại hợp lệ cho thấy chữ ký đã có trước thời điểm chứng thư số ký bắt đầu có hiệu lực',
  },
  JUDGED_AT_PROOF_OF_EXISTENCE: {
    message: 'The signature was judged at the time a valid timestamp proves it existed',
    messageVi: 'Chữ ký được đánh giá tại thời điểm mà dấu thời gian hợp lệ chứng minh chữ ký đã tồn tại',
  },
  JUDGED_AT_VALIDATION_EVIDENCE: {
    message:
      'The signature was judged at the time of an earlier validation of the same document, whose sealed record shows it valid then',
    messageVi:
      'Chữ ký được đánh giá tại thời điểm của lần kiểm tra trước đối với cùng tài liệu, mà hồ sơ đã niêm phong cho thấy chữ ký hợp lệ khi đó',
  },
  TIMESTAMP_INVALID: {
    message: 'A timestamp could not be validated and proves nothing',
    messageVi: 'Dấu thời gian không hợp lệ nên không chứng minh được thời điểm',
  },
  TIMESTAMP_ORDER_FAILURE: {
    message: 'The claimed signing time is later than a timestamp over the signature',
    messageVi: 'Thời điểm ký được khai báo muộn hơn dấu thời gian gắn với chữ ký',
  },
  REVOCATION_NOT_CHECKED: {
    message: 'The revocation status of the certificates was not checked',
    messageVi: 'Chưa kiểm tra tình trạng thu hồi của chứng thư số',
  },
  // Signatures (CMS, PAdES)
  NO_SIGNATURE: {
    message: 'The document contains no signature',
    messageVi: 'Văn bản không có chữ ký số',
  },
  SIGNED_DATA_NOT_FOUND: {
    message: 'The signature is detached and the signed file was not given',
    messageVi: 'Chữ ký tách rời nhưng không có tệp đã được ký kèm theo',
  },
  FORMAT_FAILURE: {
    message: 'The signature is malformed and cannot be checked',
    messageVi: 'Chữ ký số sai định dạng, không thể kiểm tra',
  },
  BYTE_RANGE_INVALID: {
    message: 'The signed byte range does not cover the document as a signature must',
    messageVi: 'Vùng dữ liệu được ký (ByteRange) không hợp lệ',
  },
  HASH_FAILURE: {
    message: 'The signed content was changed after signing (message digest mismatch)',
    messageVi: 'Nội dung văn bản đã bị thay đổi sau khi ký (giá trị băm không khớp)',
  },
  SIG_CRYPTO_FAILURE: {
    message: "The signature value does not verify with the signer's public key",
    messageVi: 'Giá trị chữ ký không khớp với khóa công khai của người ký',
  },
  NO_SIGNING_CERTIFICATE_FOUND: {
    message: "The signer's certificate is missing from the signature",
    messageVi: 'Không tìm thấy chứng thư số của người ký trong chữ ký',
  },
  SIGNING_CERTIFICATE_MISMATCH: {
    message: "The signed reference to the signer's certificate does not match the certificate",
    messageVi: 'Tham chiếu đến chứng thư số của người ký không khớp với chứng thư số',
  },
  SIGNATURE_ALGORITHM_NOT_ALLOWED: {
    message:
      'The signature relies on a digest, signature algorithm or key size the algorithm policy refuses at the time the signature is proven to exist',
    messageVi:
      'Chữ ký dựa trên hàm băm, thuật toán ký hoặc độ dài khóa không còn được chấp nhận tại thời điểm chữ ký được chứng minh là đã tồn tại',
  },
  NOT_ETSI_CONFORMANT: {
    message:
      'The signature is valid CMS but not in the form PAdES or CAdES prescribes (e.g. encapsulated content, several signers, adbe.pkcs7.sha1, no signing-certificate attribute): a warning',
    messageVi:
      'Chữ ký đúng cấu trúc CMS nhưng không theo dạng mà chuẩn PAdES hoặc CAdES quy định (ví dụ: nội dung đóng gói, nhiều người ký, adbe.pkcs7.sha1, thiếu thuộc tính tham chiếu chứng thư số người ký): chỉ là cảnh báo',
  },
  MODIFIED_AFTER_SIGNING: {
    message: 'The document was modified after this signature in a way that is not allowed',
    messageVi: 'Văn bản đã bị sửa đổi sau khi ký theo cách không được phép',
  },
  PDF_STRUCTURE_DAMAGED: {
    message: 'The document structure is damaged: what a signature covers and what changed after it cannot be checked',
    messageVi: 'Cấu trúc tệp PDF bị hỏng: không thể kiểm tra phạm vi được ký và các thay đổi sau khi ký',
  },
  REVOCATION_REQUIRED: {
    message: 'Revocation information is required by policy but none was available',
    messageVi: 'Chính sách yêu cầu thông tin thu hồi chứng thư số nhưng không có',
  },
} as const satisfies Record<string, { message: string; messageVi: string }>;

export type ReasonCode = keyof typeof REASONS;

/**
 * A reason with optional details for operators (never shown as the stable message). `check` and
 * `level` say which constraint of the policy produced it (constraints.ts); a reason without a
 * level, or with level `fail`, makes the path invalid; `warn` and `inform` only report.
 */
export interface ValidationReason extends Reason {
  code: ReasonCode;
  detail?: string;
  check?: ConstraintCheck;
  level?: Exclude<ConstraintLevel, 'ignore'>;
}

export function reason(
  code: ReasonCode,
  extra: { certificateIndex?: number; detail?: string; check?: ConstraintCheck; level?: ConstraintLevel } = {},
): ValidationReason {
  const out: ValidationReason = { code, ...REASONS[code] };
  if (extra.certificateIndex !== undefined) out.certificateIndex = extra.certificateIndex;
  if (extra.detail !== undefined) out.detail = extra.detail;
  if (extra.check !== undefined) out.check = extra.check;
  if (extra.level !== undefined && extra.level !== 'ignore') out.level = extra.level;
  return out;
}

/** The reasons that make a path invalid (level fail or none). */
export const failing = (reasons: readonly ValidationReason[]): ValidationReason[] =>
  reasons.filter((r) => r.level === undefined || r.level === 'fail');
