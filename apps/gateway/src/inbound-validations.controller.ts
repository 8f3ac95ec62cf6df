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
import {
  CallbackUrlQueryDto,
  InboundResultDto,
  ValidationHistoryPageDto,
  ValidationHistoryQueryDto,
} from '@kyso/contracts';
import { ApiProblems } from './openapi';
import { UPSTREAMS, Upstreams } from './upstreams';
import { readFromVerifier, uploadToVerifier } from './verifier-proxy';

/** The verifier's inbound checks (issue 14.1) and validation history (issue 14.5), proxied 1:1. */
@ApiTags('validations')
@ApiExtraModels(InboundResultDto, ValidationHistoryPageDto)
@ApiBearerAuth('apiKey')
@ApiBearerAuth('accessToken')
@Controller('validations')
export class InboundValidationsController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post('inbound')
  @ApiOperation({
    summary: 'Check a document received from another agency: an edXML package or a PDF (Art 31)',
    description:
      'Needs the `validate` scope. Synchronous. Every attached PDF is validated (trust anchors, revocation); the main ' +
      'document must carry a valid signature of the competent official (a person’s certificate) and of the issuing ' +
      'organisation (an organisation’s certificate), and the header (number and symbol, date, issuing agency, signer) ' +
      'must agree with the signatures and the first page. `rejected` comes with every reason and a `notice` to the ' +
      'sender in Vietnamese and English; `noticePdf` is the same notice as a PDF. Stored as the caller’s validation. ' +
      'With `callbackUrl` (query or form field; systems only) the answer is also POSTed there, signed, as ' +
      '`inbound.completed` (README, "Webhooks"); a callback that cannot be honoured is refused with 422 ' +
      'CALLBACK_URL_REFUSED before anything is checked.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'An edXML package (UTF-8, no DTD) or a signed PDF' },
        sender: {
          type: 'string',
          description:
            'For a PDF only, JSON of what the sender states: {"organId","organName","codeNumber","codeNotation",' +
            '"promulgationDate","signerFullName","subject"}',
        },
        callbackUrl: { type: 'string', description: 'Where to POST the result as well (or in the query)' },
      },
    },
  })
  @ApiResponse({ status: 200, type: InboundResultDto, description: 'accepted or rejected' })
  @ApiProblems(400, 401, 403, 413, 422, 503)
  async checkInbound(@Req() req: Request, @Res() res: Response, @Query() query: CallbackUrlQueryDto): Promise<void> {
    await uploadToVerifier(this.up, req, res, '/validations/inbound', query);
  }

  @Get()
  @ApiOperation({
    summary: 'The validation history: who checked what (file name, SHA-256), when, with what result',
    description:
      'Needs the `validate` scope. A province admin sees every check; an admin, IT officer or agency head of an ' +
      'organisation sees the checks made for it; anyone else (a system, a clerk, an official) sees their own. ' +
      'Newest first; `limit` (default 50, at most 200) and `cursor` (the previous page’s `nextCursor`).',
  })
  @ApiResponse({ status: 200, type: ValidationHistoryPageDto })
  @ApiProblems(400, 401, 403)
  async history(@Req() req: Request, @Res() res: Response, @Query() _query: ValidationHistoryQueryDto): Promise<void> {
    await readFromVerifier(this.up, req, res);
  }

  @Get(':id/notice.pdf')
  @ApiOperation({
    summary: 'The notice returning a rejected inbound document to its sender, as a PDF',
    description: 'Needs the `validate` scope; readable by whoever may read the validation, else 404.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblems(401, 403, 404)
  async notice(@Req() req: Request, @Res() res: Response, @Param('id') _id: string): Promise<void> {
    await readFromVerifier(this.up, req, res);
  }
}
