import { Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Caller, CallerParam, notFound, PROBLEM_CONTENT } from '@kyso/common';
import { ReportQueryDto, ValidatePdfQueryDto, ValidationResultDto } from '@kyso/contracts';
import { isUuid } from './http-input';
import { sendSubmitted, submitPdf } from './pdf-submission';
import { TrustStoreReady } from './trust-store/trust-store.providers';
import { answerable } from './unfinished-validation';
import { sendReportPdf } from './report-pdf/send';
import { PdfUploads } from './upload-storage';
import { ValidationResult, ValidationService } from './validation.service';

@ApiTags('validations')
@Controller('validations')
export class ValidationsController {
  constructor(
    private readonly validations: ValidationService,
    private readonly uploads: PdfUploads,
  ) {}

  @Post('pdf')
  @UseGuards(TrustStoreReady)
  @ApiOperation({ summary: 'Validate the signatures of a PDF' })
  // The form and the query are read by submitPdf (no multer, no validation pipe: issue 16.3); the plain
  // calls are served without Express and Nest (lean-validations.ts), through the same code.
  @ApiQuery({ type: ValidatePdfQueryDto })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        callbackUrl: { type: 'string', description: 'Where to POST the result when done (or in the query)' },
      },
    },
  })
  @ApiResponse({
    status: 200,
    type: ValidationResultDto,
    description: 'Validated within `wait`: status done, with report',
  })
  @ApiResponse({
    status: 202,
    type: ValidationResultDto,
    description: 'Still running: status pending, and a Location header',
  })
  @ApiResponse({
    status: 400,
    description:
      'Missing or empty file (MISSING_FIELD, EMPTY_FILE), bad wait, a control character in a form field (INVALID_TEXT)',
    ...PROBLEM_CONTENT,
  })
  @ApiResponse({
    status: 422,
    description:
      'Not a PDF at all (INVALID_PDF, with `reason`; a damaged PDF gets a report), or a callbackUrl that ' +
      'cannot be honoured (CALLBACK_URL_REFUSED)',
    ...PROBLEM_CONTENT,
  })
  @ApiResponse({
    status: 503,
    description:
      'With Retry-After: no trust anchors yet and the registry away (TRUST_STORE_UNAVAILABLE), the queue away ' +
      '(QUEUE_UNAVAILABLE), or the validation could not be finished within `wait` for a dependency’s sake ' +
      '(VALIDATION_UNAVAILABLE; submit again)',
    ...PROBLEM_CONTENT,
  })
  async submit(
    @Req() req: Request,
    @Query() rawQuery: Record<string, unknown>,
    @Res() res: Response,
    @CallerParam() caller: Caller,
  ): Promise<void> {
    sendSubmitted(
      res,
      await submitPdf({ validations: this.validations, uploads: this.uploads }, req, rawQuery, caller),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'A validation: pending, done (with its report) or failed' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({
    status: 200,
    type: ValidationResultDto,
    description: 'pending, done (with report) or failed (with error)',
  })
  @ApiResponse({
    status: 404,
    description: "Unknown validation, or another caller's organisation's (VALIDATION_NOT_FOUND)",
    ...PROBLEM_CONTENT,
  })
  @ApiResponse({
    status: 503,
    description:
      'With Retry-After: the validation could not be finished because a dependency stayed unavailable ' +
      '(VALIDATION_UNAVAILABLE, QUEUE_UNAVAILABLE, TRUST_STORE_UNAVAILABLE); submit the document again',
    ...PROBLEM_CONTENT,
  })
  async get(@Param('id') id: string, @CallerParam() caller: Caller): Promise<ValidationResult> {
    if (!isUuid(id)) throw notFound('VALIDATION_NOT_FOUND', `No validation with id ${id}.`);
    return answerable(await this.validations.get(id, caller));
  }

  @Get(':id/report.pdf')
  @ApiOperation({ summary: 'The readable report of a finished validation, as PDF (Vietnamese by default)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, description: 'The report (application/pdf)' })
  @ApiResponse({ status: 400, description: 'lang is not vi or en (VALIDATION_ERROR)', ...PROBLEM_CONTENT })
  @ApiResponse({ status: 404, description: 'As for GET /validations/{id} (VALIDATION_NOT_FOUND)', ...PROBLEM_CONTENT })
  @ApiResponse({
    status: 409,
    description:
      'Still running, or failed (VALIDATION_NOT_DONE); an inbound check (VALIDATION_HAS_NO_REPORT: see its notice.pdf)',
    ...PROBLEM_CONTENT,
  })
  async reportPdf(
    @Param('id') id: string,
    @Query() query: ReportQueryDto,
    @CallerParam() caller: Caller,
    @Res() res: Response,
  ): Promise<void> {
    if (!isUuid(id)) throw notFound('VALIDATION_NOT_FOUND', `No validation with id ${id}.`);
    await sendReportPdf(res, await this.validations.get(id, caller), query.lang ?? 'vi');
  }
}
