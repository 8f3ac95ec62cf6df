import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { answerOf } from './answers';

/**
 * `POST /signature-records` on the registry: the signer hands over its signing attempts in
 * batches (an outbox: each attempt is committed in the signer's database before the answer, then
 * forwarded until the registry confirms). Idempotent by id. `GET /signature-records` lists them.
 */
export const SIGNATURE_RECORDS_PATH = '/signature-records';
export const MAX_SIGNATURE_RECORD_BATCH = 500;

const SHA256 = /^[0-9a-f]{64}$/;

export class SignatureRecordCallerDto {
  @ApiProperty({ enum: ['system', 'operator', 'service'] }) @IsIn(['system', 'operator', 'service']) kind: string;
  @ApiProperty() @IsString() @Length(1, 200) id: string;
  @ApiProperty() @IsString() @Length(0, 200) name: string;
}

export class SignatureRecordDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) at: string;
  @ApiProperty({ enum: ['signed', 'refused'] }) @IsIn(['signed', 'refused']) outcome: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) refusalCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) refusalReason?: string;
  @ApiProperty({ type: SignatureRecordCallerDto })
  @ValidateNested()
  @Type(() => SignatureRecordCallerDto)
  caller: SignatureRecordCallerDto;
  @ApiProperty() @IsString() @Length(1, 200) actingOfficialId: string;
  @ApiProperty() @IsString() @Length(1, 200) certificateId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) certificateSerial?: string;
  @ApiProperty() @Matches(SHA256) documentSha256: string;
  @ApiPropertyOptional() @IsOptional() @Matches(SHA256) signedDocumentSha256?: string;
  @ApiPropertyOptional({ example: 'B-B' }) @IsOptional() @IsString() @Length(1, 20) level?: string;
  @ApiPropertyOptional({ description: 'The reason given for signing' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  purpose?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Time of the signature timestamp (B-T and up)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  timestampTime?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') signingSessionId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) requestId?: string;
}

export class SignatureRecordBatchDto {
  @ApiProperty({ type: [SignatureRecordDto] })
  @IsArray()
  @ArrayMaxSize(MAX_SIGNATURE_RECORD_BATCH)
  @ValidateNested({ each: true })
  @Type(() => SignatureRecordDto)
  records: SignatureRecordDto[];
}

export class SignatureRecordBatchResultDto {
  @ApiProperty({ description: 'Records new to the registry (the others were already recorded)' })
  @IsArray()
  @IsUUID('all', { each: true })
  recorded: string[];
}

export const signatureRecordBatchAnswer = answerOf(SignatureRecordBatchResultDto);
