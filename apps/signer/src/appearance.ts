import type { CertificateViewDto } from '@kyso/contracts';
import { Certificate } from '@kyso/pki';
import { formatLocalIsoTime, TextStampSpec, VisibleSignatureSpec } from '@kyso/pki/pades';
import { AppearanceRequest } from './appearance-request';
import type { ImageKind } from './registry-client';

/** What the PDF engine draws: a visible signature or a text stamp. */
export type Drawing = { kind: 'signature'; spec: VisibleSignatureSpec } | { kind: 'stamp'; spec: TextStampSpec };

export type AppearanceRefusalCode =
  'SIGNATURE_IMAGE_NOT_FOUND' | 'SEAL_IMAGE_NOT_FOUND' | 'ORGANIZATION_CERTIFICATE_REQUIRED';
export type AppearanceRefusal = { refused: AppearanceRefusalCode; detail: string };

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
