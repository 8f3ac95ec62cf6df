import type { CertificateViewDto } from '@kyso/contracts';
import { withoutDiacritics } from '@kyso/pki';
import type { Purpose } from './appearance-request';

/** Who may sign what (R17, Decree 30/2020): each refusal names its rule, in English and Vietnamese. */
export type PurposeRuleCode =
  | 'STATE_SECRET_DOCUMENT'
  | 'PERSONAL_CERTIFICATE_REQUIRED'
  | 'ORGANIZATION_CERTIFICATE_REQUIRED'
  | 'LEADER_SIGNATURE_REQUIRED'
  | 'ISSUANCE_FIELDS_MISSING';

export interface PurposeRuleRefusal {
  code: PurposeRuleCode;
  rule: string;
  ruleVi: string;
  message: string;
  messageVi: string;
}

const RULES: Record<PurposeRuleCode, Omit<PurposeRuleRefusal, 'code'>> = {
  STATE_SECRET_DOCUMENT: {
    rule: 'Documents marked as containing state secrets are not signed by this service (R17)',
    ruleVi: 'Văn bản có nội dung bí mật nhà nước không được ký số bằng dịch vụ này (R17)',
    message: 'The document is marked as containing state secrets',
    messageVi: 'Văn bản được đánh dấu có nội dung bí mật nhà nước: không ký số bằng dịch vụ này',
  },
  PERSONAL_CERTIFICATE_REQUIRED: {
    rule: 'An official approves, comments and initials with their own personal certificate, also when signing for a superior (KT., TL., TM.) (R17)',
    ruleVi:
      'Người có thẩm quyền ký duyệt, cho ý kiến và ký nháy bằng chứng thư số cá nhân của chính mình, kể cả khi ký thay, thừa lệnh, thay mặt (KT., TL., TM.) (R17)',
    message: 'This purpose is signed with the official’s own personal certificate, not an organisation’s',
    messageVi: 'Mục đích ký này phải dùng chứng thư số cá nhân của chính người ký, không dùng chứng thư số của cơ quan',
  },
  ORGANIZATION_CERTIFICATE_REQUIRED: {
    rule: 'Issuing, receiving, copying and attachments are signed by the records clerk with the organisation’s certificate (R17, Decree 30 Appendix I)',
    ruleVi:
      'Văn thư ký số văn bản ban hành, văn bản đến, bản sao và phụ lục bằng chứng thư số của cơ quan, tổ chức (R17, Nghị định 30, Phụ lục I)',
    message: 'This purpose is signed with the organisation’s certificate',
    messageVi: 'Văn bản ban hành, văn bản đến, bản sao và phụ lục phải được ký bằng chứng thư số của cơ quan, tổ chức',
  },
  LEADER_SIGNATURE_REQUIRED: {
    rule: 'The organisation’s certificate is added only to a document already carrying a valid personal signature of a competent official of that organisation (R17)',
    ruleVi:
      'Chữ ký số của cơ quan chỉ được thêm vào văn bản đã có chữ ký số cá nhân hợp lệ của người có thẩm quyền thuộc cơ quan, tổ chức đó (R17)',
    message: 'The document does not carry a valid signature of a competent official of this organisation',
    messageVi:
      'Văn bản chưa có chữ ký số hợp lệ của người có thẩm quyền thuộc cơ quan, tổ chức nên không được ký số của cơ quan',
  },
  ISSUANCE_FIELDS_MISSING: {
    rule: 'The number and the date of issue are written into empty form fields the approving signature permits (issue 13)',
    ruleVi: 'Số, ký hiệu và ngày ban hành được ghi vào các ô nhập liệu trống mà chữ ký duyệt cho phép (issue 13)',
    message: 'The document has no empty form fields "docNumber" and "issuedDate" to write the number and date into',
    messageVi: 'Văn bản không có ô trống để ghi số, ký hiệu và ngày ban hành (docNumber, issuedDate)',
  },
};

export function purposeRefusal(code: PurposeRuleCode, detail?: string): PurposeRuleRefusal {
  const r = RULES[code];
  return { code, ...r, message: detail ? `${r.message}: ${detail}` : r.message };
}

/** Purposes the records clerk signs with the organisation's certificate; the others need a person's. */
const ORGANIZATION_PURPOSES: readonly Purpose[] = ['issued', 'income', 'copy', 'appendix'];

/** The certificate's kind against the purpose (an invisible signature without purpose has no such rule). */
export function certificateKindRefusal(
  purpose: string | undefined,
  view: CertificateViewDto,
): PurposeRuleRefusal | undefined {
  if (purpose === undefined) return undefined;
  const organisational = (ORGANIZATION_PURPOSES as readonly string[]).includes(purpose);
  if (organisational && view.subjectType !== 'organization') return purposeRefusal('ORGANIZATION_CERTIFICATE_REQUIRED');
  if (!organisational && view.subjectType !== 'person') return purposeRefusal('PERSONAL_CERTIFICATE_REQUIRED');
  return undefined;
}

/**
 * Titles competent to sign a document for an organisation (Decree 30/2020, Art 13): its head or a
 * deputy (chủ tịch, giám đốc, bộ trưởng, cục trưởng, hiệu trưởng, ... and their phó), or a head of
 * a unit signing TL. (trưởng phòng, chánh văn phòng). Matched without diacritics, any case.
 */
const COMPETENT_TITLES = [
  'chu tich',
  'giam doc',
  'tong giam doc',
  'truong',
  'chanh van phong',
  'chanh thanh tra',
  'chu nhiem',
  'bi thu',
  'thu truong',
  'thu tuong',
];

const plain = (s: string) => withoutDiacritics(s).toLowerCase();

export function isCompetentTitle(title: string): boolean {
  const t = plain(title).replace(/^pho /, '');
  return COMPETENT_TITLES.some(
    (c) => t === c || t.startsWith(`${c} `) || (c === 'truong' && / truong( |$)/.test(` ${t}`)),
  );
}

/** The day of issue as Decree 30 writes it: "ngày 02 tháng 12 năm 2026" (0 before days 1-9 and months 1-2). */
export function issuedDateText(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const day = String(d).padStart(2, '0');
  const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
  return `ngày ${day} tháng ${month} năm ${y}`;
}
