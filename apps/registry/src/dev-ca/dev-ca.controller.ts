import { Controller, Get, Header, HttpCode, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest, ProblemError } from '@kyso/common';
import {
  CRL_MEDIA_TYPE,
  OCSP_REQUEST_MEDIA_TYPE,
  OCSP_RESPONSE_MEDIA_TYPE,
  TIMESTAMP_QUERY_MEDIA_TYPE,
  TIMESTAMP_REPLY_MEDIA_TYPE,
} from '@kyso/contracts';
import { MAX_OCSP_REQUEST_BYTES, PkiFormatError } from '@kyso/pki';
import type { Request } from 'express';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { DevCaStatusService } from './dev-ca-status.service';
import { DevTsaService } from './dev-tsa.service';

async function rawBody(req: Request, what = 'An OCSP request'): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_OCSP_REQUEST_BYTES)
      throw new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', `${what} is at most 64 KiB`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

@ApiTags('registry: dev CA')
@ApiInternal()
@Controller('dev-ca')
export class DevCaController {
  constructor(
    private readonly status: DevCaStatusService,
    private readonly tsa: DevTsaService,
  ) {}

  @Get('crl')
  @Header('content-type', CRL_MEDIA_TYPE)
  @ApiOperation({ summary: "The dev CA's current CRL (DER), from the registry's revocations (dev connector only)" })
  @ApiProduces(CRL_MEDIA_TYPE)
  @ApiResponse({ status: 200, content: { [CRL_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblem(404, 'The dev CA is not configured', ['DEV_CA_DISABLED'])
  async crl(): Promise<StreamableFile> {
    return new StreamableFile(Buffer.from(await this.status.crl()), { type: CRL_MEDIA_TYPE });
  }

  @Get('root.crl')
  @Header('content-type', CRL_MEDIA_TYPE)
  @ApiOperation({ summary: "The dev root CA's CRL (DER), covering the subordinate CA (dev connector only)" })
  @ApiProduces(CRL_MEDIA_TYPE)
  @ApiResponse({ status: 200, content: { [CRL_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblem(404, 'The dev CA is not configured', ['DEV_CA_DISABLED'])
  async rootCrl(): Promise<StreamableFile> {
    return new StreamableFile(Buffer.from(await this.status.rootCrl()), { type: CRL_MEDIA_TYPE });
  }

  @Post('ocsp')
  @HttpCode(200)
  @ApiOperation({ summary: 'OCSP responder of the dev CA (RFC 6960, POST)' })
  @ApiConsumes(OCSP_REQUEST_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiProduces(OCSP_RESPONSE_MEDIA_TYPE)
  @ApiResponse({
    status: 200,
    content: { [OCSP_RESPONSE_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblem(400, 'Not an OCSP request', ['MALFORMED_OCSP_REQUEST'])
  @ApiProblem(404, 'The dev CA is not configured', ['DEV_CA_DISABLED'])
  async ocsp(@Req() req: Request): Promise<StreamableFile> {
    const body = await rawBody(req);
    try {
      return new StreamableFile(Buffer.from(await this.status.ocsp(body)), { type: OCSP_RESPONSE_MEDIA_TYPE });
    } catch (e) {
      if (e instanceof PkiFormatError) throw badRequest('MALFORMED_OCSP_REQUEST', e.message, { reason: e.code });
      throw e;
    }
  }

  @Post('tsa')
  @HttpCode(200)
  @ApiOperation({
    summary: 'RFC 3161 time-stamping authority of the dev CA (POST a TimeStampReq; dev connector only)',
    description: 'A malformed request gets a TimeStampResp with status rejection (RFC 3161 2.4.2), not an HTTP error.',
  })
  @ApiConsumes(TIMESTAMP_QUERY_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiProduces(TIMESTAMP_REPLY_MEDIA_TYPE)
  @ApiResponse({
    status: 200,
    content: { [TIMESTAMP_REPLY_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblem(404, 'The dev CA is not configured', ['DEV_CA_DISABLED'])
  async timestamp(@Req() req: Request): Promise<StreamableFile> {
    const body = await rawBody(req, 'A time-stamp request');
    return new StreamableFile(Buffer.from(await this.tsa.timestamp(body)), { type: TIMESTAMP_REPLY_MEDIA_TYPE });
  }
}
