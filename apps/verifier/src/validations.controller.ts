import { Controller, Get, HttpStatus, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { badRequest, notFound } from '@kyso/common';
import { isUuid, parseWait } from './http-input';
import { ValidationResult, ValidationService } from './validation.service';

const PUBLIC_PREFIX = '/api/v1';
const problem = { content: { 'application/problem+json': { schema: { type: 'object' } } } };

@ApiTags('validations')
@Controller('validations')
export class ValidationsController {
  constructor(private readonly validations: ValidationService) {}

  @Post('pdf')
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Validate the signatures of a PDF' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiQuery({ name: 'wait', required: false, description: 'Seconds to wait for the report (0..60, default 10)' })
  @ApiResponse({ status: 200, description: 'Validated within `wait`: `{ id, status: "done", report }`' })
  @ApiResponse({ status: 202, description: 'Still running: `{ id, status: "pending" }` and a Location header' })
  @ApiResponse({ status: 400, description: 'Missing or empty file (MISSING_FIELD, EMPTY_FILE), bad wait', ...problem })
  @ApiResponse({
    status: 422,
    description: 'Not a PDF at all (INVALID_PDF, with `reason`); a damaged PDF gets a report',
    ...problem,
  })
  async submit(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Query('wait') wait: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ValidationResult> {
    if (!file) throw badRequest('MISSING_FIELD', 'The multipart field "file" is required.', { field: 'file' });
    const seconds = parseWait(wait);
    const result = await this.validations.submit(file.buffer, seconds);
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
  @ApiResponse({ status: 200, description: '`{ id, status, report? }`' })
  @ApiResponse({ status: 404, description: 'Unknown validation (VALIDATION_NOT_FOUND)', ...problem })
  async get(@Param('id') id: string): Promise<ValidationResult> {
    if (!isUuid(id)) throw notFound('VALIDATION_NOT_FOUND', `No validation with id ${id}.`);
    return this.validations.get(id);
  }
}
