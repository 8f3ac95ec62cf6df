import { Controller, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CallbackUrlQueryDto } from '@kyso/contracts';
import { ApiProblems, VALIDATION_RESULT_SCHEMA } from './openapi';
import { UPLOAD_ROUTES } from './upload-routes';
import { UPSTREAMS, Upstreams } from './upstreams';
import { uploadToVerifier } from './verifier-proxy';

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
      'caller’s like PDF validations (GET /validations/{id}). With `callbackUrl` (query or form field; systems only) ' +
      'the result is also POSTed there, signed, as `validation.completed` (README, "Webhooks"); a callback that ' +
      'cannot be honoured is refused with 422 CALLBACK_URL_REFUSED before anything is checked.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['signature'],
      properties: {
        signature: { type: 'string', format: 'binary', description: 'The CMS (.p7s), DER or BER' },
        file: { type: 'string', format: 'binary', description: 'The signed file, for a detached signature' },
        callbackUrl: { type: 'string', description: 'Where to POST the result as well (or in the query)' },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'Validated',
    content: { 'application/json': { schema: VALIDATION_RESULT_SCHEMA } },
  })
  @ApiProblems(400, 401, 403, 413, 422, 503)
  async validateCms(@Req() req: Request, @Res() res: Response, @Query() query: CallbackUrlQueryDto): Promise<void> {
    await uploadToVerifier(this.up, req, res, UPLOAD_ROUTES.validateCms, query);
  }
}
