/**
 * Why an inbound document is refused (Art 31, R27): stable codes with the Vietnamese text sent back to
 * the sender and its English rendering. `{x}` placeholders are filled by reason().
 */
export const INBOUND_REASONS = {
  NO_DOCUMENT: {
    vi: 'Gói tin không có văn bản đính kèm.',
    en: 'The package carries no attached document.',
  },
  ATTACHMENT_NOT_PDF: {
    vi: 'Tệp đính kèm "{name}" không phải tệp PDF nên không thể kiểm tra chữ ký số.',
    en: 'The attachment "{name}" is not a PDF, so its digital signatures cannot be checked.',
  },
  SIGNATURE_INVALID: {
    vi: 'Chữ ký số của {signer} trên văn bản "{name}" không hợp lệ ({detail}).',
    en: 'The digital signature of {signer} on "{name}" is not valid ({detail}).',
  },
  SIGNATURE_INDETERMINATE: {
    vi: 'Không xác định được tính hợp lệ của chữ ký số của {signer} trên văn bản "{name}" ({detail}).',
    en: 'The validity of the digital signature of {signer} on "{name}" could not be established ({detail}).',
  },
  PERSONAL_SIGNATURE_MISSING: {
    vi: 'Văn bản "{name}" không có chữ ký số hợp lệ của người có thẩm quyền.',
    en: 'The document "{name}" has no valid digital signature of the competent official.',
  },
  ORGANISATION_SIGNATURE_MISSING: {
    vi: 'Văn bản "{name}" không có chữ ký số hợp lệ của cơ quan, tổ chức ban hành.',
    en: 'The document "{name}" has no valid digital signature of the issuing organisation.',
  },
  ORGANISATION_SIGNED_FIRST: {
    vi: 'Chữ ký số của cơ quan, tổ chức trên văn bản "{name}" được ký trước chữ ký của người có thẩm quyền.',
    en: 'The organisation signed "{name}" before the competent official did.',
  },
  HEADER_AGENCY_MISMATCH: {
    vi: 'Tên cơ quan ban hành trong gói tin ("{claimed}") không khớp với chứng thư số của cơ quan đã ký ("{found}").',
    en: 'The issuing agency named in the package ("{claimed}") does not match the organisation certificate that signed ("{found}").',
  },
  HEADER_AGENCY_CODE_MISMATCH: {
    vi: 'Mã định danh cơ quan ban hành trong gói tin ("{claimed}") không khớp với chứng thư số của cơ quan đã ký ("{found}").',
    en: 'The issuing agency code in the package ("{claimed}") does not match the organisation certificate that signed ("{found}").',
  },
  HEADER_NUMBER_MISMATCH: {
    vi: 'Số, ký hiệu văn bản trong gói tin ("{claimed}") không có trên trang đầu của văn bản "{name}".',
    en: 'The document number and symbol in the package ("{claimed}") are not on the first page of "{name}".',
  },
  HEADER_DATE_MISMATCH: {
    vi: 'Ngày ban hành trong gói tin ({claimed}) không có trên trang đầu của văn bản "{name}".',
    en: 'The date of issue in the package ({claimed}) is not on the first page of "{name}".',
  },
  HEADER_SIGNER_MISMATCH: {
    vi: 'Người ký trong gói tin ("{claimed}") không phải người đã ký số văn bản "{name}".',
    en: 'The signer named in the package ("{claimed}") is not who digitally signed "{name}".',
  },
  HEADER_INCOMPLETE: {
    vi: 'Gói tin thiếu thông tin bắt buộc: {fields}.',
    en: 'The package lacks required information: {fields}.',
  },
} as const satisfies Record<string, { vi: string; en: string }>;

export type InboundReasonCode = keyof typeof INBOUND_REASONS;

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);

export function reason(
  code: InboundReasonCode,
  values: Record<string, string> = {},
  attachment?: string,
): { code: InboundReasonCode; vi: string; en: string; attachment?: string } {
  const t = INBOUND_REASONS[code];
  // A detail from a report exists in both languages: `detailVi` goes into the Vietnamese text.
  const vi = values.detailVi === undefined ? values : { ...values, detail: values.detailVi };
  return { code, vi: fill(t.vi, vi), en: fill(t.en, values), ...(attachment ? { attachment } : {}) };
}
