import type { SubjectType } from '../certificates/certificate';
import type { RequestType } from './request';

/** RFC 5280 section 5.3.1 reason codes used by the revocation cases. */
export type CrlReason = 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation';

export interface RevocationCase {
  crlReason: CrlReason;
  /** Subject types the case applies to (Art 17 lists them per subscriber type). */
  subjects: readonly SubjectType[];
  /** R10: on (suspected) exposure or loss, signing is blocked locally at submission, whatever the CA's CRL says. */
  blocksAtOnce: boolean;
  vi: string;
}

const ALL: readonly SubjectType[] = ['person', 'organization', 'device'];

/** Decree 68 Art 17 revocation cases (R10), each mapped to its CRLReason. */
export const REVOCATION_CASES = {
  expiry: { crlReason: 'cessationOfOperation', subjects: ALL, blocksAtOnce: false, vi: 'Chứng thư số hết hạn sử dụng' },
  'key-compromise': { crlReason: 'keyCompromise', subjects: ALL, blocksAtOnce: true, vi: 'Khóa bí mật bị lộ' },
  'key-compromise-suspected': {
    crlReason: 'keyCompromise',
    subjects: ALL,
    blocksAtOnce: true,
    vi: 'Nghi ngờ khóa bí mật bị lộ',
  },
  'device-lost': {
    crlReason: 'keyCompromise',
    subjects: ALL,
    blocksAtOnce: true,
    vi: 'Thiết bị lưu khóa bí mật bị mất',
  },
  'device-damaged': {
    crlReason: 'superseded',
    subjects: ALL,
    blocksAtOnce: false,
    vi: 'Thiết bị lưu khóa bí mật bị hỏng',
  },
  'position-changed': {
    crlReason: 'affiliationChanged',
    subjects: ['person'],
    blocksAtOnce: false,
    vi: 'Thay đổi vị trí công tác không còn phù hợp',
  },
  retirement: { crlReason: 'affiliationChanged', subjects: ['person'], blocksAtOnce: false, vi: 'Nghỉ hưu' },
  resignation: { crlReason: 'affiliationChanged', subjects: ['person'], blocksAtOnce: false, vi: 'Thôi việc' },
  death: { crlReason: 'cessationOfOperation', subjects: ['person'], blocksAtOnce: false, vi: 'Qua đời' },
  'organization-dissolved': {
    crlReason: 'cessationOfOperation',
    subjects: ['organization'],
    blocksAtOnce: false,
    vi: 'Cơ quan, tổ chức giải thể',
  },
  'organization-split': {
    crlReason: 'affiliationChanged',
    subjects: ['organization'],
    blocksAtOnce: false,
    vi: 'Cơ quan, tổ chức chia, tách',
  },
  'organization-merged': {
    crlReason: 'affiliationChanged',
    subjects: ['organization'],
    blocksAtOnce: false,
    vi: 'Cơ quan, tổ chức sáp nhập, hợp nhất',
  },
  'device-end-of-operation': {
    crlReason: 'cessationOfOperation',
    subjects: ['device'],
    blocksAtOnce: false,
    vi: 'Thiết bị, dịch vụ, phần mềm ngừng hoạt động',
  },
} satisfies Record<string, RevocationCase>;
export type RevocationCaseName = keyof typeof REVOCATION_CASES;

/** Decree 68 Art 15 change-of-information cases (R9). */
export const CHANGE_CASES = {
  'person-transferred': { subjects: ['person'], vi: 'Chuyển công tác sang cơ quan, tổ chức khác' },
  'person-email-changed': { subjects: ['person'], vi: 'Thay đổi thư điện tử công vụ' },
  'person-title-changed': { subjects: ['person'], vi: 'Thay đổi chức danh' },
  'organization-renamed': { subjects: ['person', 'organization', 'device'], vi: 'Cơ quan, tổ chức đổi tên' },
  'organization-moved': { subjects: ['person', 'organization', 'device'], vi: 'Cơ quan, tổ chức thay đổi địa chỉ' },
  'organization-reorganized': {
    subjects: ['person', 'organization', 'device'],
    vi: 'Cơ quan, tổ chức sắp xếp lại (sáp nhập, chia, tách)',
  },
  'device-renamed': { subjects: ['device'], vi: 'Thiết bị, dịch vụ, phần mềm đổi tên' },
  'device-upgraded': { subjects: ['device'], vi: 'Thiết bị, dịch vụ, phần mềm nâng cấp' },
} satisfies Record<string, { subjects: readonly SubjectType[]; vi: string }>;
export type ChangeCaseName = keyof typeof CHANGE_CASES;

export const REQUEST_TYPE_VI: Record<RequestType, string> = {
  issue: 'Cấp mới chứng thư số',
  renew: 'Gia hạn chứng thư số',
  change: 'Thay đổi thông tin chứng thư số',
  revoke: 'Thu hồi chứng thư số',
  reissue: 'Cấp lại chứng thư số',
  'recover-device': 'Khôi phục thiết bị lưu khóa bí mật',
  'return-device': 'Hoàn trả thiết bị lưu khóa bí mật',
};

/** Working days the CA (or the agency, for returns) has once a request is sent: R7, R8, R11, R13. */
export const DEADLINE_WORKING_DAYS: Record<RequestType, number> = {
  issue: 3,
  renew: 3,
  change: 3,
  revoke: 3,
  reissue: 3,
  'recover-device': 1,
  'return-device': 5,
};

export const isRevocationCase = (v: unknown): v is RevocationCaseName =>
  typeof v === 'string' && Object.hasOwn(REVOCATION_CASES, v);
export const isChangeCase = (v: unknown): v is ChangeCaseName =>
  typeof v === 'string' && Object.hasOwn(CHANGE_CASES, v);
