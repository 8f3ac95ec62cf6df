import type { CertificateViewDto } from '@kyso/contracts';
import { Certificate } from '@kyso/pki';
import {
  AppearanceErrorCode,
  formatLocalIsoTime,
  TextFieldSpec,
  TextStampSpec,
  VisibleSignatureSpec,
} from '@kyso/pki/pades';
import { AppearanceRequest, ISSUANCE_FIELDS } from './appearance-request';
import { issuedDateText } from './purpose-rules';
import type { ImageKind } from './registry-client';

/** Text fields written in the signature's own update: reserved (approved) or filled (issued). */
export interface FormWork {
  reserve?: TextFieldSpec[];
  fill?: { name: string; value: string }[];
}

/** What the PDF engine draws: a visible signature or a text stamp, and the form fields it writes. */
export type Drawing = ({ kind: 'signature'; spec: VisibleSignatureSpec } | { kind: 'stamp'; spec: TextStampSpec }) & {
  form?: FormWork;
};

export type AppearanceRefusalCode = 'SIGNATURE_IMAGE_NOT_FOUND' | 'SEAL_IMAGE_NOT_FOUND';
export type AppearanceRefusal = { refused: AppearanceRefusalCode; detail: string };

/** Vietnamese for the officials who read the refusal (the English is the problem's detail). */
export const APPEARANCE_MESSAGES_VI: Record<AppearanceErrorCode | AppearanceRefusalCode, string> = {
  APPEARANCE_INVALID: 'Thông số hiển thị chữ ký không hợp lệ',
  ANCHOR_TEXT_NOT_FOUND: 'Không tìm thấy đoạn văn bản dùng để định vị chữ ký trên trang',
  APPEARANCE_PAGE_NOT_FOUND: 'Văn bản không có trang được chỉ định để đặt chữ ký',
  APPEARANCE_IMAGE_INVALID: 'Không đọc được ảnh chữ ký hoặc ảnh con dấu',
  APPEARANCE_TEXT_UNSUPPORTED: 'Phông chữ không có ký tự cần hiển thị',
  SIGNATURE_IMAGE_NOT_FOUND: 'Cán bộ chưa có ảnh chữ ký',
  SEAL_IMAGE_NOT_FOUND: 'Cơ quan, tổ chức chưa có ảnh con dấu',
  FORM_FIELD_NOT_FOUND: 'Văn bản không có ô nhập liệu cần ghi',
  FORM_FIELD_FILLED: 'Ô nhập liệu đã có giá trị, không được ghi đè',
};

export interface AppearanceContext {
  certificate: Certificate;
  view: CertificateViewDto;
  actingOfficialId: string;
  signingTime: Date;
  image(kind: ImageKind, id: string): Promise<Uint8Array | undefined>;
}

/** "Nguyễn Văn A" → "NVA": the initials an official puts on a draft. */
export function initialsOf(name: string): string {
  return name
    .normalize('NFC')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0].toUpperCase())
    .join('');
}

/** A note broken into lines of about `width` characters, at most `max` lines (the last one cut with "…"). */
function wrap(text: string, width = 48, max = 4): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  if (out.length > max) out.splice(max - 1, out.length, `${out[max - 1].slice(0, width - 1)}…`);
  return out;
}

/** dd/mm/yyyy in Vietnam (UTC+7). */
const localDate = (d: Date) => {
  const [y, m, day] = formatLocalIsoTime(d).slice(0, 10).split('-');
  return `${day}/${m}/${y}`;
};

/**
 * Decree 30/2020, Appendix I and IV, one appearance per purpose: the leader's signature image with
 * name and time (approved); the organisation's seal over the left third of the leader's image with
 * the agency and time (issued, which also fills in the number and date of issue); a text stamp top
 * right of the first page with the copy form, copying agency and time (copy) or the document number
 * and time (appendix); the "ĐẾN" stamp top left with the receiving agency, số đến and ngày đến
 * (income); the official's image under their note (comment); their initials, small (initial).
 */
export async function drawingFor(req: AppearanceRequest, ctx: AppearanceContext): Promise<Drawing | AppearanceRefusal> {
  const time = formatLocalIsoTime(ctx.signingTime);
  const agency = ctx.certificate.subject.get('O') ?? ctx.certificate.subject.get('CN') ?? '';
  const name = ctx.certificate.subject.get('CN') ?? '';
  if (req.kind === 'stamp') {
    if (req.purpose === 'income')
      return {
        kind: 'stamp',
        spec: {
          lines: [agency, 'ĐẾN', `Số: ${req.heading}`, `Ngày: ${localDate(ctx.signingTime)}`, time],
          page: req.page,
          margin: req.margin,
          fontSize: req.fontSize,
          corner: 'top-left',
          frame: true,
          belowText: req.anchorText,
        },
      };
    const lines = req.purpose === 'copy' ? [req.heading, agency, time] : [req.heading, time];
    return {
      kind: 'stamp',
      spec: { lines, page: req.page, margin: req.margin, fontSize: req.fontSize, belowText: req.anchorText },
    };
  }
  const shownName = req.purpose === 'issued' ? agency : req.purpose === 'initial' ? initialsOf(name) : name;
  const tail = [
    ...(req.capacity ? [req.capacity] : []),
    ...(req.note ? wrap(`Ý kiến: ${req.note}`) : []),
    ...req.lines,
    ...(req.showName ? [shownName] : []),
    ...(req.showTime ? [time] : []),
  ];
  const spec: VisibleSignatureSpec = { placement: req.placement, lines: tail, fontSize: req.fontSize };
  if (req.purpose === 'issued') {
    spec.seal = await ctx.image('seal', ctx.view.organizationId);
    if (!spec.seal)
      return { refused: 'SEAL_IMAGE_NOT_FOUND', detail: `Organisation ${ctx.view.organizationId} has no seal image` };
    if (req.leaderOfficialId && req.image) {
      spec.image = await ctx.image('signature', req.leaderOfficialId);
      if (!spec.image)
        return {
          refused: 'SIGNATURE_IMAGE_NOT_FOUND',
          detail: `Official ${req.leaderOfficialId} has no handwritten-signature image`,
        };
    }
    const fill = req.issuance && [
      { name: ISSUANCE_FIELDS.docNumber, value: req.issuance.docNumber },
      { name: ISSUANCE_FIELDS.issuedDate, value: issuedDateText(req.issuance.issuedDate) },
    ];
    return { kind: 'signature', spec, ...(fill && { form: { fill } }) };
  }
  if (req.image) {
    spec.image = await ctx.image('signature', ctx.actingOfficialId);
    if (!spec.image)
      return {
        refused: 'SIGNATURE_IMAGE_NOT_FOUND',
        detail: `Official ${ctx.actingOfficialId} has no handwritten-signature image`,
      };
  }
  return { kind: 'signature', spec, ...(req.reserve?.length && { form: { reserve: req.reserve } }) };
}
