import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: 'Sign a PDF (PAdES) with an official or organisation certificate', description: 'Needs the `sign` scope.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'certificateId', 'pin', 'actingOfficialId'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The PDF to sign' },
        certificateId: { type: 'string', format: 'uuid' },
        pin: { type: 'string', description: 'Signing PIN of the certificate', format: 'password' },
        actingOfficialId: { type: 'string', format: 'uuid', description: 'The official on whose behalf the system signs' },
        level: { type: 'string', enum: ['B-B', 'B-T', 'B-LT', 'B-LTA'], default: 'B-B' },
        reason: { type: 'string', example: 'Phê duyệt' },
        location: { type: 'string', example: 'Hà Nội' },
        appearance: { type: 'string', description: 'JSON describing the visible signature' },
      },
    },
  })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'The signed PDF (incremental update); header x-kyso-signature-id names the signature',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
    headers: { 'x-kyso-signature-id': { description: 'Id of the signing record', schema: { type: 'string' } } },
  })
  @ApiProblems(400, 401, 403, 413, 422)
  async signPdf(@Req() req: Request, @Res() res: Response): Promise<void> {
    await proxy(req, res, {
      client: this.up.signer,
      method: 'POST',
      path: '/signatures/pdf',
      caller: callerOf(req),
      maxBodyBytes: this.up.bodyLimits.signaturesPdf,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
