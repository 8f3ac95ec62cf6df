import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { badRequest, Clock, notFound, refuseCallbackUrl } from '@kyso/common';
import { DEFAULT_WAIT_SECONDS, PublicValidateQueryDto, ReportQueryDto } from '@kyso/contracts';
import { checkFormFields } from '../http-input';
import { sendReportPdf } from '../report-pdf/send';
import { readableReport, type ReadableReport, type ReportLang } from '../report-pdf';
import { SpillingStorage, withUpload } from '../upload-storage';
import { ValidationResult, ValidationService } from '../validation.service';
import { newReportLink, readReportLink, ReportLink } from './report-link';

/** What the public page gets: the result, the report in words in both languages, and its link. */
export type PublicValidation = ValidationResult & {
  link: { token: string; expiresAt: string; kept: boolean };
  readable?: Record<ReportLang, ReadableReport>;
};

/**
 * The public verification page's calls, forwarded by the gateway without a caller (issue 14.4). The
 * visitor owns the validation only through the link's token; the PDF itself is dropped once
 * validated, as for every validation, and only its digest and report stay (evidence, R26).
 * Described publicly by the gateway (its routes differ), so not in the verifier's OpenAPI.
 */
@ApiExcludeController()
@Controller('public-validations')
export class PublicValidationsController {
  constructor(
    private readonly validations: ValidationService,
    private readonly clock: Clock,
  ) {}

  @Post('pdf')
  @UseInterceptors(FileInterceptor('file', { storage: new SpillingStorage() }))
  async submit(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() fields: Record<string, unknown> | undefined,
    @Query() query: PublicValidateQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PublicValidation> {
    checkFormFields(fields);
    // Anonymous: nobody to sign a callback for, so a callbackUrl is refused rather than dropped.
    refuseCallbackUrl(fields);
    if (!file) throw badRequest('MISSING_FIELD', 'The multipart field "file" is required.', { field: 'file' });
    const { owner, linkFor } = newReportLink(this.clock.now(), query.keep === 'true');
    const result = await withUpload(file, (upload) => this.validations.submit(upload, DEFAULT_WAIT_SECONDS, owner));
    res.status(result.status === 'pending' ? HttpStatus.ACCEPTED : HttpStatus.OK);
    return answer(result, linkFor(result.id));
  }

  @Get(':token')
  async get(@Param('token') token: string): Promise<PublicValidation> {
    const { result, link } = await this.read(token);
    return answer(result, link);
  }

  @Get(':token/report.pdf')
  async reportPdf(@Param('token') token: string, @Query() query: ReportQueryDto, @Res() res: Response): Promise<void> {
    const { result } = await this.read(token);
    await sendReportPdf(res, result, query.lang ?? 'vi');
  }

  /** An expired, malformed or forged token names nothing: 404, as for an unknown validation. */
  private async read(token: string): Promise<{ result: ValidationResult; link: ReportLink }> {
    const found = readReportLink(token, this.clock.now());
    if (!found) throw notFound('VALIDATION_NOT_FOUND', 'No validation for this link (unknown or expired).');
    return { result: await this.validations.get(found.id, found.reader), link: found.link };
  }
}

function answer(result: ValidationResult, link: ReportLink): PublicValidation {
  const out: PublicValidation = {
    ...result,
    link: { token: link.token, expiresAt: link.expiresAt.toISOString(), kept: link.kept },
  };
  if (result.status === 'done' && 'report' in result)
    out.readable = {
      vi: readableReport(result.report, 'vi', result.id),
      en: readableReport(result.report, 'en', result.id),
    };
  return out;
}
