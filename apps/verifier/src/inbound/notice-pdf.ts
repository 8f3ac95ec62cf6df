import { PdfTextWriter } from '@kyso/common';
import type { InboundNotice } from './inbound-result';

/**
 * The notice as a PDF to send back with the refused document: Vietnamese first (the official text),
 * then the English rendering. Rebuilt from the stored notice on each download: the same text each time.
 */
export async function renderNoticePdf(n: InboundNotice): Promise<Uint8Array> {
  const w = await PdfTextWriter.create({ title: n.subject.vi, date: new Date(n.checkedAt) });
  w.text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, center: true, size: 12 });
  w.text('Độc lập - Tự do - Hạnh phúc', { bold: true, center: true, size: 12, after: 18 });
  w.text('THÔNG BÁO TRẢ LẠI VĂN BẢN ĐIỆN TỬ', { bold: true, center: true, size: 14 });
  w.text(n.subject.vi, { center: true, after: 14 });
  w.text(n.text.vi, { after: 24 });
  w.text('NOTICE OF RETURN OF AN ELECTRONIC DOCUMENT', { bold: true, center: true, size: 12 });
  w.text(n.subject.en, { center: true, size: 11, after: 10 });
  w.text(n.text.en, { size: 11 });
  return w.save();
}
