import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/**
 * A validation as the verifier answers it (`POST /validations/pdf`, `GET /validations/{id}`) and the
 * gateway passes it on unchanged: both document it from here.
 */
export const VALIDATION_STATUSES = ['pending', 'done', 'failed'] as const;
export const CONCLUSIONS = ['TOTAL-PASSED', 'TOTAL-FAILED', 'INDETERMINATE'] as const;

export class ReportReasonDto {
  @ApiProperty({ example: 'NO_SIGNATURE' }) @IsString() code: string;
  @ApiProperty() @IsString() message: string;
  @ApiProperty() @IsString() messageVi: string;
}

export class TrustStoreStampDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 7, description: 'The registry’s trust-store version' })
  @IsInt()
  @Min(1)
  version: number;
  @ApiProperty({ format: 'date-time', description: 'When the registry last changed its trust anchors' })
  @IsISO8601()
  changedAt: string;
  @ApiProperty({
    format: 'date-time',
    description:
      'When the verifier last confirmed with the registry that this version is current (older while the ' +
      'registry is unavailable: the stored set is used meanwhile)',
  })
  @IsISO8601()
  fetchedAt: string;
}

export class ValidationReportDto {
  @ApiProperty({ enum: CONCLUSIONS, description: 'The worst indication of the signatures' })
  @IsIn(CONCLUSIONS)
  conclusion: (typeof CONCLUSIONS)[number];
  @ApiProperty({ format: 'date-time' }) @IsISO8601() validationTime: string;
  @ApiProperty({ description: 'SHA-256 of the document, hex' }) @IsString() documentSha256: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) @IsInt() @Min(0) signatureCount: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'One report per signature: indication, sub-indication, the chain, reasons. `signingTime.judgedAt` is the ' +
      'time the signature was judged at and `signingTime.provenBy` what proves it existed then: `timestamp` (an ' +
      'RFC 3161 timestamp, also in `signingTime.timestamped`), `kyso-evidence` (Kyso’s own sealed record of an ' +
      'earlier validation of the same bytes that found this signature TOTAL-PASSED; its id in ' +
      '`signingTime.evidenceId`, reason JUDGED_AT_VALIDATION_EVIDENCE), or null (judged at the validation time). ' +
      '`signatureSha256` is the SHA-256 of the signature’s /Contents.',
  })
  @IsArray()
  @IsObject({ each: true })
  signatures: object[];
  @ApiProperty({ type: [ReportReasonDto], description: 'Document-level reasons (e.g. no signature)' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReportReasonDto)
  reasons: ReportReasonDto[];
  @ApiPropertyOptional({
    type: TrustStoreStampDto,
    description: 'The trust-store version (the registry’s trust anchors) the signatures were judged against',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => TrustStoreStampDto)
  trustStore?: TrustStoreStampDto;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Present when a signature or timestamp is INDETERMINATE/TRY_LATER (its CA’s CRL or OCSP could not be had, ' +
      'nor taken from the cache or the document’s own long-term data; the signature’s reasons say why): ' +
      'validating again after this time may give a final answer',
  })
  @IsOptional()
  @IsISO8601()
  retryAfter?: string;
}

export class ValidationErrorDto {
  @ApiProperty({ example: 'MALFORMED_PDF' }) @IsString() code: string;
}

export class ValidationResultDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiProperty({ enum: VALIDATION_STATUSES }) @IsIn(VALIDATION_STATUSES) status: (typeof VALIDATION_STATUSES)[number];
  @ApiPropertyOptional({ type: ValidationReportDto, description: 'Present when done' })
  @ValidateIf((o: ValidationResultDto) => o.status === 'done' && o.kind !== 'inbound')
  @IsDefined()
  @ValidateNested()
  @Type(() => ValidationReportDto)
  report?: ValidationReportDto;
  @ApiPropertyOptional({
    enum: ['inbound'],
    description: 'An inbound check (POST /validations/inbound): the fields of InboundResultDto instead of `report`',
  })
  @IsOptional()
  @IsIn(['inbound'])
  kind?: 'inbound';
  @ApiPropertyOptional({ type: ValidationErrorDto, description: 'Present when failed' })
  @ValidateIf((o: ValidationResultDto) => o.status === 'failed')
  @IsDefined()
  @ValidateNested()
  @Type(() => ValidationErrorDto)
  error?: ValidationErrorDto;
}
