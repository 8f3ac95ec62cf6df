import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** `GET /validations` (issue 14.5): who checked what, when, with what result; newest first. */
export const VALIDATION_KINDS = ['pdf', 'cms', 'inbound'] as const;
export const VALIDATION_RESULTS = ['TOTAL-PASSED', 'TOTAL-FAILED', 'INDETERMINATE', 'accepted', 'rejected', 'FAILED'];
export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 200;

const int = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value;

export class ValidationHistoryQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Checked at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Checked before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
  @ApiPropertyOptional({ enum: VALIDATION_RESULTS, description: 'The conclusion, the inbound decision, or FAILED' })
  @IsOptional()
  @IsIn(VALIDATION_RESULTS)
  result?: string;
  @ApiPropertyOptional({ enum: VALIDATION_KINDS })
  @IsOptional()
  @IsIn(VALIDATION_KINDS)
  kind?: (typeof VALIDATION_KINDS)[number];
  @ApiPropertyOptional({ description: 'Who checked: the API key or operator account id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  who?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Only checks made for this organisation' })
  @IsOptional()
  @IsUUID('all')
  organizationId?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_HISTORY_LIMIT, default: DEFAULT_HISTORY_LIMIT })
  @IsOptional()
  @Transform(int)
  @IsInt()
  @Min(1)
  @Max(MAX_HISTORY_LIMIT)
  limit?: number;
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  cursor?: string;
}

export class ValidationHistoryItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: VALIDATION_KINDS }) kind: string;
  @ApiProperty({ enum: ['pending', 'done', 'failed'] }) status: string;
  @ApiProperty({ nullable: true, description: 'Conclusion, accepted/rejected, or FAILED' }) result: string | null;
  @ApiProperty({ nullable: true, description: 'The uploaded file’s name' }) fileName: string | null;
  @ApiProperty({ description: 'SHA-256 of the uploaded file, hex' }) sha256: string;
  @ApiProperty({ format: 'date-time' }) checkedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ example: { kind: 'operator', id: '…', name: 'vanthu.syt' } })
  checkedBy: { kind: string; id: string; name: string | null };
  @ApiProperty({ type: [String] }) organizationIds: string[];
}

export class ValidationHistoryPageDto {
  @ApiProperty({ type: [ValidationHistoryItemDto] }) items: ValidationHistoryItemDto[];
  @ApiProperty({ nullable: true, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}
