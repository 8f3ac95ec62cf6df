import { formatLocalIsoTime } from '@kyso/pki';
import type { InboundHeader, InboundNotice, InboundReason } from './inbound-result';
import { viDate } from './inbound-rules';

/**
 * The notice returning a refused document to its sender (Art 31: refuse and say why), in Vietnamese
 * and English, naming every reason. The same data prints as the PDF notice (notice-pdf.ts).
 */
export function buildNotice(
  header: InboundHeader,
  reasons: InboundReason[],
  validationId: string,
  checkedAt: Date,
): InboundNotice {
  const number = header.codeNumber && header.codeNotation ? `${header.codeNumber}/${header.codeNotation}` : null;
  const date = header.promulgationDate ? viDate(header.promulgationDate) : null;
  const docVi = ['văn bản', number && `số ${number}`, date && `ngày ${date}`].filter(Boolean).join(' ');
  const docEn = ['the document', number && `No. ${number}`, date && `of ${date}`].filter(Boolean).join(' ');
  const subject = {
    vi: `Trả lại ${docVi} do chữ ký số không hợp lệ hoặc không đầy đủ`,
    en: `Return of ${docEn}: invalid or incomplete digital signatures`,
  };
  const to = { organId: header.organId, organName: header.organName };
  // Officials read Vietnam time (R20: ISO 8601 with the +07:00 offset).
  const when = formatLocalIsoTime(checkedAt);
  const vi = [
    `Kính gửi: ${to.organName ?? 'Cơ quan, tổ chức gửi văn bản'}${to.organId ? ` (mã định danh ${to.organId})` : ''}.`,
    `Căn cứ Điều 31 của Quy chế quản lý, sử dụng chữ ký số, văn thư cơ quan đã kiểm tra chữ ký số của ${docVi}` +
      `${header.subject ? ` về việc ${header.subject}` : ''} và trả lại văn bản vì các lý do sau:`,
    ...reasons.map((r, i) => `${i + 1}. ${r.vi}`),
    'Đề nghị Quý cơ quan kiểm tra, ký số lại và gửi lại văn bản.',
    `Mã kiểm tra: ${validationId}; thời điểm kiểm tra: ${when}.`,
  ].join('\n');
  const en = [
    `To: ${to.organName ?? 'the sending organisation'}${to.organId ? ` (code ${to.organId})` : ''}.`,
    `Under Article 31 of the regulation on digital signatures, the records office checked the digital signatures of ${docEn}` +
      `${header.subject ? ` (${header.subject})` : ''} and returns it for the following reasons:`,
    ...reasons.map((r, i) => `${i + 1}. ${r.en}`),
    'Please check, sign again and resend the document.',
    `Check id: ${validationId}; checked at: ${when}.`,
  ].join('\n');
  return {
    to,
    subject,
    document: {
      codeNumber: header.codeNumber,
      codeNotation: header.codeNotation,
      promulgationDate: header.promulgationDate,
      subject: header.subject,
    },
    reasons,
    validationId,
    checkedAt: when,
    text: { vi, en },
  };
}
