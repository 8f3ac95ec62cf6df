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
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { badRequest, Caller, CallerParam, notFound } from '@kyso/common';
import { DEFAULT_WAIT_SECONDS, ValidatePdfQueryDto, ValidationResultDto } from '@kyso/contracts';
import { rm } from 'node:fs/promises';
import { checkFormFields, isUuid } from './http-input';
import { SpillingStorage, type Upload } from './upload-storage';
import { ValidationResult, ValidationService } from './validation.service';

const PUBLIC_PREFIX = '/api/v1';
const problem = { content: { 'application/problem+json': { schema: { type: 'object' } } } };

@ApiTags('validations')
@Controller('validations')
export class ValidationsController {
  constructor(private readonly validations: ValidationService) {}

  @Post('pdf')
  @UseInterceptors(FileInterceptor('file', { storage: new SpillingStorage() }))
  @ApiOperation({ summary: 'Validate the signatures of a PDF' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
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
    ...problem,
  })
  @ApiResponse({
    status: 422,
    description: 'Not a PDF at all (INVALID_PDF, with `reason`); a damaged PDF gets a report',
    ...problem,
  })
  async submit(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() fields: Record<string, unknown> | undefined,
    @Query() query: ValidatePdfQueryDto,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ): Promise<ValidationResult> {
    checkFormFields(fields);
    if (!file) throw badRequest('MISSING_FIELD', 'The multipart field "file" is required.', { field: 'file' });
    const upload = file as Express.Multer.File & Upload;
    let result: ValidationResult;
    try {
      result = await this.validations.submit(upload, query.wait ?? DEFAULT_WAIT_SECONDS, caller);
    } finally {
      if (upload.path) await rm(upload.path, { force: true }); // a big upload's file: in Postgres now, or refused
    }
    if (result.status === 'pending') {
      res.status(HttpStatus.ACCEPTED).setHeader('Location', `${PUBLIC_PREFIX}/validations/${result.id}`);
    } else {
      res.status(HttpStatus.OK);
    }
    return result;
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
    ...problem,
  })
  async get(@Param('id') id: string, @CallerParam() caller: Caller): Promise<ValidationResult> {
    if (!isUuid(id)) throw notFound('VALIDATION_NOT_FOUND', `No validation with id ${id}.`);
    return this.validations.get(id, caller);
  }
}
