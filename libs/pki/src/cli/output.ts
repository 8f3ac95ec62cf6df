import { Reason } from '../indication';
import { ChainEntry } from '../report';

export type Lang = 'en' | 'vi';

const LABELS = {
  en: {
    result: 'Result',
    valid: 'VALID',
    invalid: 'NOT VALID',
    indication: 'Indication',
    chain: 'Chain',
    anchor: 'trust anchor',
    reasons: 'Reasons',
    revocation: 'Revocation',
    checked: 'checked',
    notChecked: 'not checked',
    at: 'Validation time',
    serial: 'serial',
    validity: 'valid',
    to: 'to',
    signatures: 'Signatures',
    signer: 'Signer',
    conclusion: 'Conclusion',
    none: 'none',
    modified: 'changed after signing',
  },
  vi: {
    result: 'Kết quả',
    valid: 'HỢP LỆ',
    invalid: 'KHÔNG HỢP LỆ',
    indication: 'Chỉ dẫn',
    chain: 'Chuỗi chứng thư số',
    anchor: 'gốc tin cậy',
    reasons: 'Lý do',
    revocation: 'Tình trạng thu hồi',
    checked: 'đã kiểm tra',
    notChecked: 'chưa kiểm tra',
    at: 'Thời điểm kiểm tra',
    serial: 'số hiệu',
    validity: 'hiệu lực',
    to: 'đến',
    signatures: 'Chữ ký',
    signer: 'Người ký',
    conclusion: 'Kết luận',
    none: 'không có',
    modified: 'bị thay đổi sau khi ký',
  },
} as const;

export const label = (lang: Lang, key: keyof (typeof LABELS)['en']): string => LABELS[lang][key];

export function indicationLine(indication: string, subIndication: string | null | undefined): string {
  return subIndication ? `${indication} / ${subIndication}` : indication;
}

export function chainLines(lang: Lang, chain: ChainEntry[]): string[] {
  return chain.map(
    (c, i) =>
      `  [${i}] ${c.subject}${c.trustAnchor ? ` (${label(lang, 'anchor')})` : ''}\n      ${label(lang, 'serial')} ${c.serialNumber}, ${label(lang, 'validity')} ${c.notBefore} ${label(lang, 'to')} ${c.notAfter}`,
  );
}

export function reasonLines(
  lang: Lang,
  reasons: readonly (Reason & { detail?: string; level?: string; check?: string })[],
): string[] {
  if (reasons.length === 0) return [`  ${label(lang, 'none')}`];
  return reasons.map((r) => {
    // a finding the policy only warns or informs about is marked so; failing ones are not
    const where = `${r.certificateIndex !== undefined ? `[${r.certificateIndex}] ` : ''}${r.level ? `(${r.level}) ` : ''}`;
    const detail = r.detail ? ` (${r.detail})` : '';
    return `  - ${where}${r.code}: ${lang === 'vi' ? r.messageVi : r.message}${detail}`;
  });
}
