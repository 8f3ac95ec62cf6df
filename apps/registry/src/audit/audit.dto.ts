import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { ListQueryDto } from '../shared/list-query.dto';

export class AuditQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: 'certificate' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  entityId?: string;

  @ApiPropertyOptional({ description: 'Actor id (API key id, operator account id or service name)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actorId?: string;

  @ApiPropertyOptional({ example: 'certificate.revoked' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Inclusive lower bound of `at`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive upper bound of `at`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

class AuditActorDto {
  @ApiProperty({ enum: ['system', 'operator', 'service'] }) kind: string;
  @ApiProperty() id: string;
  @ApiProperty() name: string;
}

export class AuditEventDto {
  @ApiProperty({ example: '42', description: 'Position in the chain (bigint as a string)' }) seq: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'certificate.revoked' }) action: string;
  @ApiProperty({ example: 'certificate' }) entityType: string;
  @ApiProperty({ nullable: true, type: String }) entityId: string | null;
  @ApiPropertyOptional({ nullable: true }) before: unknown;
  @ApiPropertyOptional({ nullable: true }) after: unknown;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ description: 'Hash of the previous entry (64 zeros for the first)' }) prevHash: string;
  @ApiProperty({ description: 'SHA-256 over the canonical JSON of this entry and prevHash' }) hash: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
