import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { callerOf } from './authz/access.guard';
import { ApiProblems, VALIDATION_RESULT_SCHEMA } from './openapi';
import { proxy } from './proxy';
import { UPSTREAMS, Upstreams } from './upstreams';

/** The verifier's CMS validation, proxied 1:1. */
@ApiTags('validations')
@ApiBearerAuth('apiKey')
@ApiBearerAuth('accessToken')
@Controller('validations')
export class CmsValidationsController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post('cms')
  @ApiOperation({
    summary: 'Validate a CMS / CAdES signature (any file)',
    description:
      'Needs the `validate` scope. Synchronous: answers 200 with the report (the PDF report model). `file` is the ' +
      'signed content of a detached signature (without it: INDETERMINATE, SIGNED_DATA_NOT_FOUND). Stored as the ' +
      'caller’s like PDF validations (GET /validations/{id}).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['signature'],
      properties: {
        signature: { type: 'string', format: 'binary', description: 'The CMS (.p7s), DER or BER' },
        file: { type: 'string', format: 'binary', description: 'The signed file, for a detached signature' },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'Validated',
    content: { 'application/json': { schema: VALIDATION_RESULT_SCHEMA } },
  })
  @ApiProblems(400, 401, 403, 413, 422)
  async validateCms(@Req() req: Request, @Res() res: Response): Promise<void> {
    await proxy(req, res, {
      client: this.up.verifier,
      method: 'POST',
      path: '/validations/cms',
      caller: callerOf(req),
      maxBodyBytes: this.up.bodyLimits.validationsPdf,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
