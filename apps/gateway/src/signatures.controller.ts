import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiSignPdfForm, SIGN_PDF_PATH } from '@kyso/contracts';
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
    summary: 'Sign a PDF (PAdES) with an official or organisation certificate',
    description: 'Needs the `sign` scope.',
  })
  @ApiSignPdfForm({
    okDescription: 'The signed PDF (incremental update); header x-kyso-signature-id names the signature',
    extraFields: {
      level: {
        type: 'string',
        enum: ['B-B'],
        default: 'B-B',
        description:
          'PAdES baseline level; B-T, B-LT and B-LTA are refused (422 UNSUPPORTED_LEVEL) until timestamping is added',
      },
    },
  })
  @ApiProblems(400, 401, 403, 413, 422)
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
}
