import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest, Caller, CallerParam, notFound, PROBLEM_CONTENT } from '@kyso/common';
import { CallbackUrlQueryDto, InboundResultDto } from '@kyso/contracts';
import { callbackUrlOf, checkFormFields, fileNameOf, isUuid } from '../http-input';
import { InboundResult, InboundService } from './inbound.service';

@ApiTags('validations')
@Controller('validations')
export class InboundController {
  constructor(private readonly inbound: InboundService) {}

  @Post('inbound')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Check a document received from another agency (edXML package or PDF): accepted or rejected',
    description:
      'Synchronous. Each attached PDF is validated; the main document must carry a valid personal signature of the ' +
      'competent official and the issuing organisation’s; the header must agree with the signatures and the first page. ' +
      'A rejection carries `notice` (Vietnamese and English) and `noticePdf`, the path of the notice as a PDF. ' +
      'With `callbackUrl` (query or form field) the answer is also POSTed there as `inbound.completed`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'An edXML package, or a signed PDF' },
        sender: {
          type: 'string',
          description:
            'PDF only: JSON {organId, organName, codeNumber, codeNotation, promulgationDate, signerFullName, subject, ...}',
        },
        callbackUrl: { type: 'string', description: 'Where to POST the answer as well (or in the query)' },
      },
    },
  })
  @ApiResponse({ status: 200, type: InboundResultDto, description: 'decision accepted or rejected, with the reports' })
  @ApiResponse({
    status: 400,
    description: 'Missing or empty file, bad sender (MISSING_FIELD, EMPTY_FILE, INVALID_FIELD)',
    ...PROBLEM_CONTENT,
  })
  @ApiResponse({
    status: 422,
    description:
      'Malformed package (INVALID_PACKAGE, `reason`: NOT_UTF8, DTD_FORBIDDEN, XML_MALFORMED, TOO_DEEP, NOT_EDXML, ' +
      'TOO_MANY_ATTACHMENTS, INVALID_BASE64, INVALID_FIELD, NOT_PDF_OR_EDXML); a callbackUrl that cannot be ' +
      'honoured (CALLBACK_URL_REFUSED)',
    ...PROBLEM_CONTENT,
  })
  @ApiResponse({
    status: 503,
    description: 'Checked and stored, but the callback could not be queued (WEBHOOK_UNAVAILABLE)',
    ...PROBLEM_CONTENT,
  })
  async check(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() fields: Record<string, unknown> | undefined,
    @Query() query: CallbackUrlQueryDto,
    @CallerParam() caller: Caller,
  ): Promise<InboundResult> {
    checkFormFields(fields);
    if (!file) throw badRequest('MISSING_FIELD', 'The multipart field "file" is required.', { field: 'file' });
    const sender = fields?.sender;
    if (sender !== undefined && typeof sender !== 'string')
      throw badRequest('INVALID_FIELD', 'sender: one JSON text expected', { field: 'sender' });
    return this.inbound.check(file.buffer, fileNameOf(file), sender, caller, callbackUrlOf(query, fields));
  }

  @Get(':id/notice.pdf')
  @ApiOperation({ summary: 'The rejection notice of an inbound check, as a PDF to send back' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'The notice (Vietnamese, then English)',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({
    status: 404,
    description: 'Unknown or not the caller’s (VALIDATION_NOT_FOUND); not a rejection (NOTICE_NOT_FOUND)',
    ...PROBLEM_CONTENT,
  })
  async notice(@Param('id') id: string, @CallerParam() caller: Caller): Promise<StreamableFile> {
    if (!isUuid(id)) throw notFound('VALIDATION_NOT_FOUND', `No validation with id ${id}.`);
    return new StreamableFile(Buffer.from(await this.inbound.noticePdf(id, caller)), {
      type: 'application/pdf',
      disposition: `attachment; filename="thong-bao-tra-lai-${id}.pdf"`,
    });
  }
}
