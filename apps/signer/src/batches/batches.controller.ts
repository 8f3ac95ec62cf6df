import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest, Caller, CallerParam, REQUEST_ID_HEADER } from '@kyso/common';
import { SIGN_PDF_APPEARANCE_FIELDS, SIGNATURE_ID_HEADER } from '@kyso/contracts';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { BatchUploads } from './batch-uploads';
import { BatchAcceptedDto, BatchViewDto } from './batch-view';
import { BatchesService } from './batches.service';

/** The form of POST /signatures/pdf with `files` repeated, and no `session` (the batch opens its own). */
const BATCH_FORM = {
  type: 'object' as const,
  required: ['files', 'certificateId', 'actingOfficialId'],
  properties: {
    files: { type: 'array' as const, items: { type: 'string', format: 'binary' }, description: 'The PDFs' },
    certificateId: { type: 'string' as const, format: 'uuid' },
    actingOfficialId: { type: 'string' as const, format: 'uuid' },
    pin: { type: 'string' as const, format: 'password', description: 'Checked once, for every document' },
    signingSession: {
      type: 'string' as const,
      format: 'password',
      description: 'Instead of `pin`: a signing session with a use for every document',
    },
    reason: { type: 'string' as const },
    location: { type: 'string' as const },
    level: { type: 'string' as const, enum: ['B-B', 'B-T', 'B-LT', 'B-LTA'], default: 'B-B' },
    ...SIGN_PDF_APPEARANCE_FIELDS,
    callbackUrl: {
      type: 'string' as const,
      format: 'uri',
      description: 'Systems: where the signature-batch.completed webhook goes (also as a query parameter)',
    },
  },
};

/** The form field and query parameter naming where the `signature-batch.completed` event goes. */
const callbackUrlOf = (body: Record<string, unknown>, query: unknown): string | undefined => {
  const v = body.callbackUrl ?? query;
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 2000)
    throw badRequest('INVALID_FIELD', '"callbackUrl" must be one URL', { field: 'callbackUrl' });
  return v;
};

@ApiTags('signatures')
@Controller('signatures/batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(BatchUploads)
  @ApiOperation({
    summary: 'Sign many PDFs with one PIN (or signing session), as a background batch',
    description:
      'The fields of POST /signatures/pdf apply to every document; `files` is repeated. With `pin`, the registry ' +
      'checks it now and opens a signing session of one use per document (a refusal is answered now, and audited ' +
      'for every document). Each document is signed or fails on its own; poll GET /signatures/batches/{id} or ' +
      'give `callbackUrl` for a `signature-batch.completed` webhook.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: BATCH_FORM })
  @ApiResponse({ status: 202, type: BatchAcceptedDto, description: 'Accepted: the batch id' })
  @ApiResponse({ status: 403, description: 'SIGNING_NOT_ALLOWED: the PIN or session was refused (reason, messageVi)' })
  @ApiResponse({ status: 413, description: 'PAYLOAD_TOO_LARGE (one PDF) or BATCH_TOO_LARGE (all of them)' })
  @ApiResponse({
    status: 422,
    description: 'BATCH_TOO_MANY_FILES, CALLBACK_URL_REFUSED, or a field refused as for one signature',
  })
  async submit(
    @Body() body: Record<string, unknown>,
    @Query('callbackUrl') callbackQuery: unknown,
    @Req() req: Request,
    @CallerParam() caller: Caller,
  ): Promise<BatchAcceptedDto> {
    const { callbackUrl, ...fields } = body ?? {};
    return this.batches.submit({
      uploads: (req.files as Express.Multer.File[] | undefined) ?? [],
      body: fields,
      caller,
      requestId: req.header(REQUEST_ID_HEADER) || randomUUID(),
      callbackUrl: callbackUrlOf({ callbackUrl }, callbackQuery),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A signing batch: status, progress and each document (only for who submitted it)' })
  @ApiOkResponse({ type: BatchViewDto })
  view(@Param('id', ParseUUIDPipe) id: string, @CallerParam() caller: Caller): Promise<BatchViewDto> {
    return this.batches.view(id, caller);
  }

  @Get(':id/items/:index')
  @ApiOperation({ summary: 'The signed PDF of one document of a batch, until the results expire' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, description: 'The signed PDF; x-kyso-signature-id names its signature' })
  async item(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('index') index: string,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ): Promise<StreamableFile> {
    const n = /^\d{1,6}$/.test(index) ? Number(index) : NaN;
    const out = await this.batches.result(id, n, caller);
    res.setHeader(SIGNATURE_ID_HEADER, out.signatureId);
    return new StreamableFile(out.stream, {
      type: 'application/pdf',
      length: out.size,
      disposition: `attachment; filename="signed-${n}.pdf"`,
    });
  }
}
