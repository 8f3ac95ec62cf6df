import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { notFound, serviceCaller } from '@kyso/common';
import { PUBLIC_VALIDATE_PDF_PATH, PublicValidateQueryDto, ReportQueryDto } from '@kyso/contracts';
import { checkedQuery } from '../checked-query';
import { ApiProblems, REPORT_EXAMPLE } from '../openapi';
import { proxy } from '../proxy';
import { UPSTREAMS, Upstreams } from '../upstreams';
import { uploadToVerifier } from '../verifier-proxy';

/** A link token: `<validation id>.<expiry>.<secret>` (the verifier checks it; this only keeps junk out). */
const TOKEN = /^[0-9a-f-]{36}\.\d{1,12}\.[A-Za-z0-9_-]{43}$/;
/** Who the verifier is told it is: nobody known (the link's token decides what may be read). */
const PUBLIC_CALLER = serviceCaller('public-verification-page');

const LINK = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'Capability: whoever holds it reads this validation' },
    expiresAt: { type: 'string', format: 'date-time' },
    kept: { type: 'boolean', description: 'true when the visitor asked for a link' },
  },
};
const READABLE = {
  type: 'object',
  description: 'The report in words (as in the PDF report): mark, conclusion, facts, per signature fields and reasons',
};
const ANSWER = {
  type: 'object',
  required: ['id', 'status', 'link'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['done', 'pending', 'failed'] },
    report: { type: 'object', description: 'As in POST /validations/pdf' },
    readable: { type: 'object', properties: { vi: READABLE, en: READABLE } },
    error: { type: 'object', properties: { code: { type: 'string' } } },
    link: LINK,
  },
  example: {
    id: '0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d',
    status: 'done',
    report: REPORT_EXAMPLE,
    link: { token: '0b0f5d0e-….1767225600.…', expiresAt: '2026-12-02T08:00:00.000Z', kept: false },
  },
};

/**
 * The public verification page's API (issue 14.4): no login, metered per address (the guard), the
 * same size limit as POST /validations/pdf. Forwarded to the verifier with no caller of its own.
 */
@ApiTags('public verification')
@Controller('public/validations')
export class PublicValidationsController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post('pdf')
  @ApiOperation({
    summary: 'Validate a PDF without an account (the public verification page)',
    description:
      'No credentials. Limited per client address (KYSO_GATEWAY_RATE_PUBLIC_VALIDATIONS_PER_MIN) and by the size limit ' +
      'of POST /validations/pdf. The file is not kept: only its SHA-256 and the report stay, as evidence. The answer ' +
      'carries a link token reading this one validation: for 30 minutes (the page downloads the PDF report with it), ' +
      'or 30 days with `keep=true`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 200, description: 'Validated', content: { 'application/json': { schema: ANSWER } } })
  @ApiResponse({
    status: 202,
    description: 'Still validating: poll by the link',
    content: { 'application/json': { schema: ANSWER } },
  })
  @ApiProblems(400, 413, 422, 429)
  async submit(@Req() req: Request, @Res() res: Response, @Query() query: PublicValidateQueryDto): Promise<void> {
    await uploadToVerifier(this.up, req, res, PUBLIC_VALIDATE_PDF_PATH, query, PUBLIC_CALLER);
  }

  @Get(':token')
  @ApiOperation({ summary: 'A public validation, by its link token', description: 'An unknown or expired link: 404.' })
  @ApiParam({ name: 'token' })
  @ApiResponse({ status: 200, description: 'The validation', content: { 'application/json': { schema: ANSWER } } })
  @ApiProblems(404, 429)
  async get(@Req() req: Request, @Res() res: Response, @Param('token') token: string): Promise<void> {
    await this.forward(req, res, token, '');
  }

  @Get(':token/report.pdf')
  @ApiOperation({ summary: 'The PDF report of a public validation, by its link token (Vietnamese by default)' })
  @ApiParam({ name: 'token' })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'The report',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblems(400, 404, 409, 429)
  async reportPdf(
    @Req() req: Request,
    @Res() res: Response,
    @Param('token') token: string,
    @Query() query: ReportQueryDto,
  ): Promise<void> {
    await this.forward(req, res, token, `/report.pdf${checkedQuery(query)}`);
  }

  private async forward(req: Request, res: Response, token: string, rest: string): Promise<void> {
    if (!TOKEN.test(token)) throw notFound('VALIDATION_NOT_FOUND', 'No validation for this link (unknown or expired).');
    await proxy(req, res, {
      client: this.up.verifier,
      method: 'GET',
      path: `/public-validations/${token}${rest}`,
      caller: PUBLIC_CALLER,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
