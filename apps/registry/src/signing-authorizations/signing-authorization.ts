import type { CertificateRecord, CertificateStatus } from '../certificates/certificate';
import { effectiveStatus } from '../certificates/certificate';
import type { Official } from '../officials/official';
import type { Caller } from '@kyso/common';
import type { OrganizationStatus } from '../organizations/organization';

export type SigningRefusalCode =
  | 'CERTIFICATE_NOT_FOUND'
  | 'OFFICIAL_NOT_FOUND'
  | 'NOT_CERTIFICATE_HOLDER'
  | 'OFFICIAL_NOT_ACTIVE'
  | 'CERTIFICATE_NOT_ACTIVE'
  | 'ORGANIZATION_NOT_SERVED'
  | 'NOT_ACTING_OFFICIAL'
  | 'CERTIFICATE_LOCKED'
  | 'ORGANIZATION_ENDED'
  | 'WRONG_PIN'
  | 'SIGNING_SESSION_INVALID';

export interface SigningRefusal {
  allowed: false;
  code: SigningRefusalCode;
  message: string;
  messageVi: string;
  /** For CERTIFICATE_NOT_ACTIVE: which state stops it. */
  certificateStatus?: Exclude<CertificateStatus, 'active'> | 'not-yet-valid';
}

export type SigningDecision = { allowed: true } | SigningRefusal;

export interface SigningAuthorizationInput {
  certificate:
    | Pick<
        CertificateRecord,
        'subjectType' | 'holderOfficialId' | 'organizationId' | 'status' | 'notBefore' | 'notAfter' | 'signingPinHash'
      >
    | undefined;
  official: Pick<Official, 'id' | 'organizationId' | 'roles' | 'employmentStatus'> | undefined;
  now: Date;
  /**
   * Who asks (forwarded by the gateway through the signer). A system must serve the acting official's
   * managing organisation; an operator may only sign as their own official. Absent: a trusted service.
   */
  caller?: Pick<Caller, 'kind' | 'organizationIds' | 'officialId'>;
  /** The directly managing agency of the acting official's organisation. */
  officialManagingOrganizationId?: string;
  /** Status of the certificate's organisation: an organisation certificate signs only while it exists (not merged, split or dissolved). */
  certificateOrganizationStatus?: OrganizationStatus;
  /** Locked after too many consecutive wrong PINs, until a device recovery is fulfilled (R13). */
  locked?: boolean;
  /** Checks the PIN given against the stored hash; called only when everything else allows signing. */
  pinMatches: (signingPinHash: string) => Promise<boolean>;
}

const refuse = (
  code: SigningRefusalCode,
  message: string,
  messageVi: string,
  extra: Partial<SigningRefusal> = {},
): SigningRefusal => ({
  allowed: false,
  code,
  message,
  messageVi,
  ...extra,
});

const NOT_ACTIVE: Record<NonNullable<SigningRefusal['certificateStatus']>, [string, string]> = {
  revoked: ['The certificate has been revoked.', 'Chứng thư số đã bị thu hồi, không được sử dụng để ký số.'],
  suspended: ['The certificate is suspended.', 'Chứng thư số đang bị tạm dừng, không được sử dụng để ký số.'],
  expired: ['The certificate has expired.', 'Chứng thư số đã hết hạn, không được sử dụng để ký số.'],
  'not-yet-valid': ['The certificate is not yet valid.', 'Chứng thư số chưa đến thời điểm có hiệu lực.'],
};

/**
 * Who may sign with which certificate. A person certificate only by its holder; an organisation
 * certificate only by a clerk (văn thư) of that organisation, who keeps it by regulation; a device
 * certificate never on behalf of an official. The certificate must be active and within its validity
 * period, the official in active service, and the PIN right. The PIN is checked last, so nobody can
 * probe a PIN for a certificate they may not use.
 */
export async function decideSigningAuthorization(input: SigningAuthorizationInput): Promise<SigningDecision> {
  const { certificate: cert, official, now } = input;
  if (!cert)
    return refuse(
      'CERTIFICATE_NOT_FOUND',
      'The certificate is not registered.',
      'Chứng thư số không có trong hệ thống quản lý.',
    );
  if (!official) {
    return refuse(
      'OFFICIAL_NOT_FOUND',
      'The acting official is not registered.',
      'Không tìm thấy thông tin cán bộ, công chức thực hiện ký số.',
    );
  }
  const callerProblem = checkCaller(input, official);
  if (callerProblem) return callerProblem;
  const holderProblem = checkHolder(cert, official);
  if (holderProblem) return holderProblem;
  if (official.employmentStatus !== 'active') {
    return refuse(
      'OFFICIAL_NOT_ACTIVE',
      'The official is not in active service.',
      'Cán bộ, công chức không còn đang công tác nên không được ký số.',
    );
  }
  const status = now.getTime() < cert.notBefore.getTime() ? 'not-yet-valid' : effectiveStatus(cert, now);
  if (status !== 'active')
    return refuse('CERTIFICATE_NOT_ACTIVE', ...NOT_ACTIVE[status], { certificateStatus: status });
  if (
    cert.subjectType === 'organization' &&
    input.certificateOrganizationStatus &&
    input.certificateOrganizationStatus !== 'active'
  ) {
    return refuse(
      'ORGANIZATION_ENDED',
      `The organisation of this certificate has ended (${input.certificateOrganizationStatus}); its certificate no longer signs.`,
      'Cơ quan, tổ chức của chứng thư số này đã chấm dứt hoạt động (sáp nhập, chia tách hoặc giải thể); không được sử dụng chứng thư số để ký số.',
    );
  }
  if (input.locked) return LOCKED;
  if (!(await input.pinMatches(cert.signingPinHash)))
    return refuse('WRONG_PIN', 'The PIN is wrong.', 'Mã PIN không đúng.');
  return { allowed: true };
}

/** The refusal when the PIN limit is reached: the holder must ask for a device recovery (Art 22). */
export const LOCKED: SigningRefusal = refuse(
  'CERTIFICATE_LOCKED',
  'Too many wrong PINs: the certificate is locked until a device recovery request is fulfilled.',
  'Chứng thư số đã bị khóa do nhập sai mã PIN quá số lần cho phép. Đề nghị liên hệ cán bộ công nghệ thông tin để lập yêu cầu khôi phục thiết bị lưu khóa bí mật.',
);

function checkCaller(
  input: SigningAuthorizationInput,
  official: NonNullable<SigningAuthorizationInput['official']>,
): SigningRefusal | undefined {
  const caller = input.caller;
  if (!caller) return undefined;
  if (caller.kind === 'system') {
    const managing = input.officialManagingOrganizationId ?? official.organizationId;
    if (!caller.organizationIds.includes(managing)) {
      return refuse(
        'ORGANIZATION_NOT_SERVED',
        "The calling system does not serve the acting official's organisation.",
        'Hệ thống gọi ký số không được phép phục vụ cơ quan, tổ chức quản lý người ký.',
      );
    }
  }
  if (caller.kind === 'operator' && caller.officialId !== official.id) {
    return refuse(
      'NOT_ACTING_OFFICIAL',
      'An operator may only sign as themselves.',
      'Người dùng chỉ được ký số với danh nghĩa của chính mình.',
    );
  }
  return undefined;
}

function checkHolder(
  cert: SigningAuthorizationInput['certificate'] & object,
  official: SigningAuthorizationInput['official'] & object,
): SigningRefusal | undefined {
  switch (cert.subjectType) {
    case 'person':
      return cert.holderOfficialId === official.id
        ? undefined
        : refuse(
            'NOT_CERTIFICATE_HOLDER',
            'This personal certificate belongs to another official.',
            'Chứng thư số cá nhân này không thuộc về người ký; chỉ người được cấp mới được sử dụng.',
          );
    case 'organization':
      return official.organizationId === cert.organizationId && official.roles.includes('clerk')
        ? undefined
        : refuse(
            'NOT_CERTIFICATE_HOLDER',
            'Only a clerk of the organisation may sign with its certificate.',
            'Chỉ văn thư của cơ quan, tổ chức được giao quản lý mới được ký bằng chứng thư số của cơ quan, tổ chức.',
          );
    case 'device':
      return refuse(
        'NOT_CERTIFICATE_HOLDER',
        'A device certificate cannot sign on behalf of an official.',
        'Chứng thư số của thiết bị không được dùng để ký số thay cán bộ, công chức.',
      );
  }
}

/**
 * A signing session that is unknown (or bound to another certificate, official or caller), expired,
 * used up or ended: the official signs again with the PIN (and may open a new session).
 */
export function sessionRefusal(reason: 'UNKNOWN' | 'EXPIRED' | 'USED_UP' | 'ENDED'): SigningRefusal {
  const why: Record<typeof reason, [string, string]> = {
    UNKNOWN: [
      'is not valid for this certificate, official and system',
      'không hợp lệ với chứng thư số, người ký và hệ thống này',
    ],
    EXPIRED: ['has expired', 'đã hết thời hạn'],
    USED_UP: ['has no signatures left', 'đã dùng hết số lần ký'],
    ENDED: ['has ended', 'đã chấm dứt'],
  };
  const [en, vi] = why[reason];
  return refuse(
    'SIGNING_SESSION_INVALID',
    `The signing session ${en}; sign with the PIN again.`,
    `Phiên ký số ${vi}; đề nghị nhập lại mã PIN để ký.`,
  );
}
