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
    claimed: 'Claimed signing time',
    timestamped: 'Proven by timestamp',
    evidence: 'Proven by an earlier Kyso validation',
    judgedAt: 'Judged at',
    timestamps: 'Timestamps',
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
    claimed: 'Thời điểm ký (tự khai)',
    timestamped: 'Thời điểm được dấu thời gian chứng minh',
    evidence: 'Được chứng minh bởi lần kiểm tra trước của Kyso',
    judgedAt: 'Đánh giá tại thời điểm',
    timestamps: 'Dấu thời gian',
  },
} as const;

export const label = (lang: Lang, key: keyof (typeof LABELS)['en']): string => LABELS[lang][key];

/** Vietnam's offset (UTC+7, no daylight saving): officials read local time. */
const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** A time for people: ISO 8601 UTC in English, local time with +07:00 in Vietnamese. */
export function formatTime(lang: Lang, time: string | Date): string {
  const d = typeof time === 'string' ? new Date(time) : time;
  if (lang === 'en') return d.toISOString();
  return `${new Date(d.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

const ISO_UTC = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;

export function indicationLine(indication: string, subIndication: string | null | undefined): string {
  return subIndication ? `${indication} / ${subIndication}` : indication;
}

export function chainLines(lang: Lang, chain: ChainEntry[]): string[] {
  return chain.map(
    (c, i) =>
      `  [${i}] ${c.subject}${c.trustAnchor ? ` (${label(lang, 'anchor')})` : ''}\n      ${label(lang, 'serial')} ${c.serialNumber}, ${label(lang, 'validity')} ${formatTime(lang, c.notBefore)} ${label(lang, 'to')} ${formatTime(lang, c.notAfter)}`,
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
    const detail = r.detail ? ` (${r.detail.replace(ISO_UTC, (t) => formatTime(lang, t))})` : '';
    return `  - ${where}${r.code}: ${lang === 'vi' ? r.messageVi : r.message}${detail}`;
  });
}
