import { Body, Controller, HttpCode, Post, Query, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest, Caller, CallerParam, PROBLEM_CONTENT } from '@kyso/common';
import { CallbackUrlQueryDto, ValidationResultDto } from '@kyso/contracts';
import type { DocumentReport } from '@kyso/pki';
import { CmsValidationService } from './cms-validation.service';
import { callbackUrlOf, checkFormFields, fileNameOf } from './http-input';

type Uploads = { signature?: Express.Multer.File[]; file?: Express.Multer.File[] };

@ApiTags('validations')
@Controller('validations')
export class CmsValidationsController {
  constructor(private readonly cms: CmsValidationService) {}

  @Post('cms')
  @HttpCode(200)
  @UseInterceptors(
    FileFieldsInterceptor([
      { name: 'signature', maxCount: 1 },
      { name: 'file', maxCount: 1 },
    ]),
  )
  @ApiOperation({
    summary: 'Validate a CMS / CAdES signature (synchronous: answered with the report)',
    description:
      'The report has the PDF report model (ETSI indications). A detached signature needs the signed `file`; ' +
      'without it the conclusion is INDETERMINATE with SIGNED_DATA_NOT_FOUND. Stored like PDF validations: GET /validations/{id}. ' +
      'With `callbackUrl` (query or form field) the result is also POSTed there as `validation.completed`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['signature'],
      properties: {
        signature: { type: 'string', format: 'binary', description: 'The CMS (DER or BER), e.g. a .p7s' },
        file: { type: 'string', format: 'binary', description: 'The signed content, for a detached signature' },
        callbackUrl: { type: 'string', description: 'Where to POST the result as well (or in the query)' },
      },
    },
  })
  @ApiResponse({ status: 200, type: ValidationResultDto, description: 'status done, with report' })
  @ApiResponse({
    status: 400,
    description: 'Missing or empty signature (MISSING_FIELD, EMPTY_FILE)',
    ...PROBLEM_CONTENT,
  })
  @ApiResponse({
    status: 422,
    description:
      'Not a CMS SignedData (INVALID_CMS, with `reason`), or a callbackUrl that cannot be honoured (CALLBACK_URL_REFUSED)',
    ...PROBLEM_CONTENT,
  })
  @ApiResponse({
    status: 503,
    description: 'Validated and stored, but the callback could not be queued (WEBHOOK_UNAVAILABLE)',
    ...PROBLEM_CONTENT,
  })
  async validate(
    @UploadedFiles() uploads: Uploads | undefined,
    @Body() fields: Record<string, unknown> | undefined,
    @Query() query: CallbackUrlQueryDto,
    @CallerParam() caller: Caller,
  ): Promise<{ id: string; status: 'done'; report: DocumentReport }> {
    checkFormFields(fields);
    const signature = uploads?.signature?.[0];
    if (!signature)
      throw badRequest('MISSING_FIELD', 'The multipart field "signature" is required.', { field: 'signature' });
    return this.cms.validate(
      signature.buffer,
      uploads?.file?.[0]?.buffer,
      caller,
      fileNameOf(signature) ?? undefined,
      callbackUrlOf(query, fields),
    );
  }
}
