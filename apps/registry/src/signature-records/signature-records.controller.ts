import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CallerParam } from '@kyso/common';
import {
  parseInput,
  readSignatureRecordBatch,
  SIGNATURE_RECORDS_PATH,
  SignatureRecordBatchDto,
  SignatureRecordBatchResultDto,
} from '@kyso/contracts';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ListQueryDto, pageOf } from '../shared/list-query.dto';
import { SignatureRecordView } from './signature-records.repository';
import { SignatureRecordsService } from './signature-records.service';

export class SignatureRecordQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'The acting official' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  officialId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) certificateId?: string;

  @ApiPropertyOptional({ enum: ['signed', 'refused'] }) @IsOptional() @IsIn(['signed', 'refused']) outcome?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Inclusive lower bound of `at`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive upper bound of `at`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

class SignatureRecordPageDto {
  @ApiProperty({ type: 'array', items: { type: 'object' } }) items: SignatureRecordView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

const RECORD_EXAMPLE: SignatureRecordView = {
  id: '0b8f0a52-1c4e-4a55-9d3e-52b0f0a1c001',
  at: '2026-12-01T08:00:00.000Z',
  outcome: 'signed',
  refusalCode: null,
  refusalReason: null,
  system: { kind: 'system', id: 'key-1', name: 'Hệ thống quản lý văn bản' },
  actingOfficialId: '5a1f3e2d-7c6b-4a59-8e7d-6c5b4a392817',
  certificateId: '1f7e2d3c-4b5a-4968-8776-655443322110',
  certificateSerial: '3a9f01',
  documentSha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  signedDocumentSha256: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
  level: 'B-B',
  purpose: 'Phê duyệt',
  timestampTime: null,
  signingSessionId: '7d3c2b1a-0f9e-4d8c-9b7a-6f5e4d3c2b1a',
  requestId: 'b1946ac9',
};

@ApiTags('registry: signatures')
@ApiInternal()
@Controller(SIGNATURE_RECORDS_PATH.slice(1))
export class SignatureRecordsController {
  constructor(private readonly records: SignatureRecordsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record signing attempts reported by the signer (batch, idempotent by id)',
    description:
      'Each new record is also appended to the hash-chained audit log (signature.signed / signature.refused).',
  })
  @ApiBody({ type: SignatureRecordBatchDto })
  @ApiResponse({ status: 200, type: SignatureRecordBatchResultDto })
  @ApiProblem(400, 'Invalid batch', ['MISSING_FIELD', 'INVALID_FIELD'])
  async record(@Body() body: unknown): Promise<SignatureRecordBatchResultDto> {
    // Checked here, not by the global pipe (it skips a body typed `unknown`): the same rules and 400
    // problem, without the pipe's walks over every record for sparse arrays and binary values,
    // which a JSON body cannot hold. A batch arrives for every few signatures: a plainly valid one is
    // read directly.
    const batch = readSignatureRecordBatch(body) ?? parseInput(SignatureRecordBatchDto, body);
    return { recorded: await this.records.record(batch.records) };
  }

  @Get()
  @ApiOperation({
    summary: 'Signatures and refusals, newest first (paged, filtered)',
    description:
      'An official sees their own; an IT officer or agency head those of the organisations they manage ' +
      "(the acting official's or the certificate's); a system those of the organisations it serves; the province admin all.",
  })
  @ApiResponse({
    status: 200,
    type: SignatureRecordPageDto,
    content: { 'application/json': { example: { items: [RECORD_EXAMPLE], total: 1, limit: 100, offset: 0 } } },
  })
  @ApiProblem(400, 'Invalid query', ['INVALID_FIELD'])
  async list(
    @Query() q: SignatureRecordQueryDto,
    @CallerParam() caller: Caller,
  ): Promise<{ items: SignatureRecordView[]; total: number; limit: number; offset: number }> {
    const page = pageOf(q);
    const { items, total } = await this.records.list(
      {
        ...page,
        officialId: q.officialId,
        certificateId: q.certificateId,
        outcome: q.outcome,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
      caller,
    );
    return { items, total, ...page };
  }
}
