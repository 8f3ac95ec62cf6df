import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ReportQueryDto, ValidatePdfQueryDto, ValidationResultDto } from '@kyso/contracts';
import {
  ApiProblems,
  REPORT_EXAMPLE,
  UNSIGNED_REPORT_EXAMPLE,
  VALIDATION_RESULT_SCHEMA,
  VALIDATION_UNAVAILABLE_RESPONSE,
} from './openapi';
import { UPLOAD_ROUTES } from './upload-routes';
import { UPSTREAMS, Upstreams } from './upstreams';
import { readFromVerifier, uploadToVerifier } from './verifier-proxy';

const ID_EXAMPLE = '0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d';

@ApiTags('validations')
@ApiExtraModels(ValidationResultDto)
@ApiBearerAuth('apiKey')
@ApiBearerAuth('accessToken')
@Controller('validations')
export class ValidationsController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post('pdf')
  @ApiOperation({
    summary: 'Validate the signatures of a PDF',
    description:
      'Needs the `validate` scope. Answers 200 with the report when done within `wait` seconds, else 202 with a Location to poll. ' +
      'The validation is stored as the caller’s and its organisations’ (see GET /validations/{id}). ' +
      'With `callbackUrl` (query or form field; systems only) the result is also POSTed there, signed, when ' +
      'it ends (README, "Webhooks"); a callback that cannot be honoured is refused with 422 CALLBACK_URL_REFUSED.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The signed PDF' },
        callbackUrl: { type: 'string', description: 'Where to POST the result when done (or in the query)' },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'Validated',
    content: {
      'application/json': {
        schema: VALIDATION_RESULT_SCHEMA,
        examples: {
          signed: { summary: 'One valid signature', value: { id: ID_EXAMPLE, status: 'done', report: REPORT_EXAMPLE } },
          unsigned: {
            summary: 'No signature',
            value: { id: ID_EXAMPLE, status: 'done', report: UNSIGNED_REPORT_EXAMPLE },
          },
        },
      },
    },
  })
  @ApiResponse({
    status: 202,
    description: 'Still validating; poll the Location',
    headers: {
      Location: {
        description: 'Where the result will be',
        schema: { type: 'string', example: `/api/v1/validations/${ID_EXAMPLE}` },
      },
    },
    content: {
      'application/json': { schema: VALIDATION_RESULT_SCHEMA, example: { id: ID_EXAMPLE, status: 'pending' } },
    },
  })
  @ApiProblems(400, 401, 403, 413, 422)
  @ApiResponse(VALIDATION_UNAVAILABLE_RESPONSE)
  async validatePdf(@Req() req: Request, @Res() res: Response, @Query() query: ValidatePdfQueryDto): Promise<void> {
    // Checked here, before the upload is streamed on; the verifier checks it again (same contract).
    await uploadToVerifier(this.up, req, res, UPLOAD_ROUTES.validatePdf, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A validation: pending, done with its report, or failed',
    description:
      'Needs the `validate` scope. A validation belongs to the caller that submitted it and to its organisations ' +
      '(an API key: the organisations it serves; an operator: those it holds roles in): only they may read it. ' +
      'Anyone else, a province admin included, gets 404 `VALIDATION_NOT_FOUND`, as for an unknown id. ' +
      'A caller with no organisation reads only its own validations.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({
    status: 200,
    description: '`status` is pending, done (with `report`) or failed (with `error.code`)',
    content: {
      'application/json': {
        schema: VALIDATION_RESULT_SCHEMA,
        examples: {
          done: { value: { id: ID_EXAMPLE, status: 'done', report: REPORT_EXAMPLE } },
          pending: { value: { id: ID_EXAMPLE, status: 'pending' } },
          failed: { value: { id: ID_EXAMPLE, status: 'failed', error: { code: 'NOT_A_PDF' } } },
        },
      },
    },
  })
  @ApiProblems(401, 403, 404)
  @ApiResponse(VALIDATION_UNAVAILABLE_RESPONSE)
  async getValidation(@Req() req: Request, @Res() res: Response, @Param('id') _id: string): Promise<void> {
    await readFromVerifier(this.up, req, res);
  }

  @Get(':id/report.pdf')
  @ApiOperation({
    summary: 'The verification report as PDF, for people (Vietnamese by default)',
    description:
      'Needs the `validate` scope; readable by the same callers as GET /validations/{id} (others get 404). ' +
      'One line of conclusion, then per signature the signer, organisation, title, issuing CA, signing and timestamp ' +
      'times (+07:00), integrity, validity at signing time, revocation evidence and changes after signing (R26). ' +
      'Liberation Serif is embedded. `lang=en` for English.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'The report',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblems(400, 401, 403, 404, 409)
  async getReportPdf(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') _id: string,
    @Query() _query: ReportQueryDto,
  ): Promise<void> {
    await readFromVerifier(this.up, req, res);
  }
}
