import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { PDFDocument, PDFFont, rgb } from 'pdf-lib';
import type { RequestType } from '../requests/request';
import { CHANGE_CASES, REQUEST_TYPE_VI, REVOCATION_CASES } from '../requests/request-kinds';

/** Liberation Serif: metric-compatible with Times New Roman (Decree 30), with the Vietnamese glyphs. */
const FONT_DIR = '/usr/share/fonts/truetype/liberation2';

export interface LetterData {
  requestId: string;
  type: RequestType;
  reason: string | null;
  /** The directly managing agency writing the letter, and its parent (the letterhead's upper line). */
  agency: { name: string; parentName: string | null; address: string | null };
  subject: {
    kind: 'person' | 'organization' | 'device';
    name: string;
    title?: string;
    email?: string;
    organizationName: string;
  };
  certificateSerial: string | null;
  deviceSerial: string | null;
  /** Extra form fields shown as label/value lines (from the request's details). */
  fields: [string, string][];
  date: Date;
  signerTitle: string;
}

const VN_OFFSET_MS = 7 * 3600_000;

function dateLine(d: Date): string {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  return `ngày ${v.getUTCDate()} tháng ${v.getUTCMonth() + 1} năm ${v.getUTCFullYear()}`;
}

const SUBJECT_VI = {
  person: 'cá nhân',
  organization: 'cơ quan, tổ chức',
  device: 'thiết bị, dịch vụ, phần mềm',
} as const;
const FORM = { person: 'Mẫu 01', organization: 'Mẫu 02', device: 'Mẫu 03' } as const;

/** Wraps text to the width available, word by word. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The request letter (công văn đề nghị) from the managing agency to the CA, in Vietnamese, with the
 * form's fields; fonts subset-embedded. Deterministic for the same data (fixed dates in the metadata).
 */
export async function renderRequestLetter(d: LetterData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(readFileSync(`${FONT_DIR}/LiberationSerif-Regular.ttf`), { subset: true });
  const bold = await doc.embedFont(readFileSync(`${FONT_DIR}/LiberationSerif-Bold.ttf`), { subset: true });
  doc.setTitle(`${REQUEST_TYPE_VI[d.type]} - ${d.requestId}`);
  doc.setProducer('Kyso');
  doc.setCreationDate(d.date);
  doc.setModificationDate(d.date);
  const page = doc.addPage([595.28, 841.89]);
  const left = 70;
  const width = 595.28 - 2 * left;
  let y = 780;
  const text = (s: string, x: number, size = 13, font = regular) =>
    page.drawText(s, { x, y, size, font, color: rgb(0, 0, 0) });
  const para = (s: string, size = 13, font = regular) => {
    for (const line of wrap(s, font, size, width)) {
      text(line, left, size, font);
      y -= size + 6;
    }
  };

  text((d.agency.parentName ?? '').toLocaleUpperCase('vi'), 50, 11);
  text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 300, 11, bold);
  y -= 15;
  text(d.agency.name.toLocaleUpperCase('vi'), 50, 11, bold);
  text('Độc lập - Tự do - Hạnh phúc', 350, 12, bold);
  y -= 30;
  text(`Số: ${d.requestId.slice(0, 8).toUpperCase()}/ĐN-CTS`, 50, 12);
  text(`${d.agency.address ? d.agency.address.split(',').pop()!.trim() : 'Việt Nam'}, ${dateLine(d.date)}`, 300, 12);
  y -= 24;
  text(`V/v đề nghị ${REQUEST_TYPE_VI[d.type].toLocaleLowerCase('vi')} chuyên dùng công vụ`, 50, 12);
  y -= 36;
  para('Kính gửi: Cục Chứng thực số và Bảo mật thông tin - Ban Cơ yếu Chính phủ.', 13, bold);
  y -= 6;
  para(
    `Căn cứ Nghị định số 68/2024/NĐ-CP của Chính phủ quy định về chữ ký số chuyên dùng công vụ, ${d.agency.name} đề nghị ` +
      `${REQUEST_TYPE_VI[d.type].toLocaleLowerCase('vi')} cho thuê bao ${SUBJECT_VI[d.subject.kind]} (${FORM[d.subject.kind]}) với các thông tin sau:`,
  );
  y -= 4;
  const reasonVi = d.reason
    ? ((REVOCATION_CASES as Record<string, { vi: string }>)[d.reason]?.vi ??
      (CHANGE_CASES as Record<string, { vi: string }>)[d.reason]?.vi ??
      d.reason)
    : null;
  const rows: [string, string | null | undefined][] = [
    ['Tên thuê bao', d.subject.name],
    ['Chức danh', d.subject.title],
    ['Thư điện tử công vụ', d.subject.email],
    ['Cơ quan, đơn vị', d.subject.organizationName],
    ['Số hiệu chứng thư số', d.certificateSerial],
    ['Số sê-ri thiết bị', d.deviceSerial],
    ['Lý do', reasonVi],
    ...d.fields,
    ['Mã yêu cầu', d.requestId],
  ];
  for (const [label, value] of rows) if (value) para(`- ${label}: ${value}`);
  y -= 8;
  para(
    `${d.agency.name} cam kết các thông tin trên là đúng sự thật và chịu trách nhiệm về việc quản lý, sử dụng chứng thư số theo quy định.`,
  );
  y -= 20;
  text(d.signerTitle.toLocaleUpperCase('vi'), 360, 13, bold);
  return doc.save({ useObjectStreams: false });
}
