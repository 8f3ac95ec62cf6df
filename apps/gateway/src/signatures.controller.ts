import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiExtendPdfForm, ApiSignPdfForm, EXTEND_PDF_PATH, SIGN_PDF_PATH } from '@kyso/contracts';
import type { Request, Response } from 'express';
import { callerOf } from './authz/access.guard';
import { ApiProblems } from './openapi';
import { proxy } from './proxy';
import { UPSTREAMS, Upstreams } from './upstreams';

@ApiTags('signatures')
@ApiBearerAuth('apiKey')
@ApiBearerAuth('accessToken')
@Controller('signatures')
export class SignaturesController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post('pdf')
  @ApiOperation({
    summary: 'Sign a PDF (PAdES B-B, B-T, B-LT or B-LTA) with an official or organisation certificate',
    description:
      'Needs the `sign` scope. The certificate is validated first (path, validity, usage, revocation; refused with ' +
      '403 CERTIFICATE_CHECK_FAILED and the reason in English and Vietnamese). B-T and above are timestamped by the ' +
      'configured TSA: 422 TSA_NOT_CONFIGURED without one, 503 TSA_UNAVAILABLE with Retry-After when it fails. ' +
      'Headers x-kyso-signature-level and x-kyso-timestamp-time give the level made and the timestamp time.',
  })
  @ApiSignPdfForm({
    okDescription: 'The signed PDF (incremental update); header x-kyso-signature-id names the signature',
  })
  @ApiProblems(400, 401, 403, 413, 422, 503)
  async signPdf(@Req() req: Request, @Res() res: Response): Promise<void> {
    await proxy(req, res, {
      client: this.up.signer,
      method: 'POST',
      path: SIGN_PDF_PATH,
      caller: callerOf(req),
      maxBodyBytes: this.up.bodyLimits.signaturesPdf,
      timeoutMs: this.up.timeoutMs,
    });
  }

  @Post('pdf/extend')
  @ApiOperation({
    summary: 'Extend a signed PDF (Kyso or another tool) to PAdES B-LT or B-LTA',
    description:
      'Needs the `sign` scope. Adds the DSS (certificates, CRLs/OCSP, VRI) of every signature and timestamp, and ' +
      'for B-LTA a document timestamp; archives do this before a TSA certificate expires.',
  })
  @ApiExtendPdfForm()
  @ApiProblems(400, 401, 403, 413, 422, 503)
  async extendPdf(@Req() req: Request, @Res() res: Response): Promise<void> {
    await proxy(req, res, {
      client: this.up.signer,
      method: 'POST',
      path: EXTEND_PDF_PATH,
      caller: callerOf(req),
      maxBodyBytes: this.up.bodyLimits.signaturesPdf,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
