import type { CertificateViewDto } from '@kyso/contracts';
import { Certificate } from '@kyso/pki';
import { AppearanceErrorCode, formatLocalIsoTime, TextStampSpec, VisibleSignatureSpec } from '@kyso/pki/pades';
import { AppearanceRequest } from './appearance-request';
import type { ImageKind } from './registry-client';

/** What the PDF engine draws: a visible signature or a text stamp. */
export type Drawing = { kind: 'signature'; spec: VisibleSignatureSpec } | { kind: 'stamp'; spec: TextStampSpec };

export type AppearanceRefusalCode =
  'SIGNATURE_IMAGE_NOT_FOUND' | 'SEAL_IMAGE_NOT_FOUND' | 'ORGANIZATION_CERTIFICATE_REQUIRED';
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
  ORGANIZATION_CERTIFICATE_REQUIRED: 'Văn bản ban hành phải được ký bằng chứng thư số của cơ quan, tổ chức',
};

export interface AppearanceContext {
  certificate: Certificate;
  view: CertificateViewDto;
  actingOfficialId: string;
  signingTime: Date;
  image(kind: ImageKind, id: string): Promise<Uint8Array | undefined>;
}

/**
 * Decree 30/2020, Appendix I: the leader's signature image with name and time (approved); the
 * organisation's seal over the left third of the leader's image with the agency and time, signed
 * with the organisation's certificate (issued); a text stamp top right of the first page with the
 * copy form, copying agency and time (copy) or the document number and time (appendix).
 */
export async function drawingFor(req: AppearanceRequest, ctx: AppearanceContext): Promise<Drawing | AppearanceRefusal> {
  const time = formatLocalIsoTime(ctx.signingTime);
  const agency = ctx.certificate.subject.get('O') ?? ctx.certificate.subject.get('CN') ?? '';
  if (req.kind === 'stamp') {
    const lines = req.purpose === 'copy' ? [req.heading, agency, time] : [req.heading, time];
    return { kind: 'stamp', spec: { lines, page: req.page, margin: req.margin, fontSize: req.fontSize } };
  }
  const tail = [
    ...req.lines,
    ...(req.showName ? [req.purpose === 'issued' ? agency : (ctx.certificate.subject.get('CN') ?? '')] : []),
    ...(req.showTime ? [time] : []),
  ];
  const spec: VisibleSignatureSpec = { placement: req.placement, lines: tail, fontSize: req.fontSize };
  if (req.purpose === 'issued') {
    if (ctx.view.subjectType !== 'organization')
      return {
        refused: 'ORGANIZATION_CERTIFICATE_REQUIRED',
        detail: 'An issued document is signed with the organisation’s certificate',
      };
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
    return { kind: 'signature', spec };
  }
  if (req.image) {
    spec.image = await ctx.image('signature', ctx.actingOfficialId);
    if (!spec.image)
      return {
        refused: 'SIGNATURE_IMAGE_NOT_FOUND',
        detail: `Official ${ctx.actingOfficialId} has no handwritten-signature image`,
      };
  }
  return { kind: 'signature', spec };
}
