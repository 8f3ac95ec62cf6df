import fontkit from '@pdf-lib/fontkit';
import { readFileSync, writeFileSync } from 'node:fs';
import { PDFDocument, rgb } from 'pdf-lib';

/**
 * Writes docs/samples/cong-van.pdf, the sample official letter (công văn) the README signs.
 * Liberation Serif is metric-compatible with Times New Roman and has the Vietnamese glyphs.
 */
export async function makeSampleLetter(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const dir = '/usr/share/fonts/truetype/liberation2';
  const regular = await doc.embedFont(readFileSync(`${dir}/LiberationSerif-Regular.ttf`), { subset: true });
  const bold = await doc.embedFont(readFileSync(`${dir}/LiberationSerif-Bold.ttf`), { subset: true });
  doc.setTitle('Công văn mẫu');
  doc.setProducer('Kyso');
  doc.setCreationDate(new Date('2026-11-25T08:00:00+07:00'));
  doc.setModificationDate(new Date('2026-11-25T08:00:00+07:00'));
  const page = doc.addPage([595.28, 841.89]); // A4
  const text = (s: string, x: number, y: number, size = 13, font = regular) =>
    page.drawText(s, { x, y, size, font, color: rgb(0, 0, 0) });
  text('UBND THÀNH PHỐ HUẾ', 70, 780, 12);
  text('SỞ NỘI VỤ', 95, 764, 12, bold);
  text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 300, 780, 12, bold);
  text('Độc lập - Tự do - Hạnh phúc', 345, 764, 12, bold);
  text('Số: 123/SNV-VP', 85, 735, 12);
  text('Huế, ngày 25 tháng 11 năm 2026', 340, 735, 12);
  text('V/v triển khai chữ ký số chuyên dùng công vụ', 60, 705, 12);
  const body = [
    'Kính gửi: Các cơ quan, đơn vị trực thuộc.',
    '',
    'Thực hiện Nghị định số 68/2024/NĐ-CP của Chính phủ quy định về chữ ký số chuyên dùng',
    'công vụ, Sở Nội vụ đề nghị các cơ quan, đơn vị sử dụng chữ ký số trên văn bản điện tử',
    'theo đúng quy định; bảo quản thiết bị lưu khóa bí mật và không chuyển giao cho người khác.',
  ];
  body.forEach((line, i) => text(line, 70, 660 - i * 20));
  text('GIÁM ĐỐC', 400, 520, 13, bold);
  text('Nguyễn Văn An', 385, 420, 13, bold);
  return doc.save({ useObjectStreams: false });
}

if (require.main === module) {
  makeSampleLetter().then((bytes) => writeFileSync('docs/samples/cong-van.pdf', bytes));
}
