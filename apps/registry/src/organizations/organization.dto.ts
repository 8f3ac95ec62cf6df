import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ListQueryDto } from '../shared/list-query.dto';
import { ORGANIZATION_STATUSES, OrganizationStatus } from './organization';
import { ORGANIZATION_EVENT_TYPES } from './organization-event';

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CODE_MESSAGE = 'code must be 1-64 letters, digits, ".", "_" or "-"';

export class CreateOrganizationDto {
  @ApiProperty({ example: '000.00.00.H29', description: 'Unique agency code (mã định danh cơ quan)' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code: string;

  @ApiProperty({ example: 'Sở Thông tin và Truyền thông tỉnh Hà Nam' })
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  parentId?: string;

  @ApiPropertyOptional({ example: 'Số 1 đường Trần Phú, Phủ Lý, Hà Nam' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  address?: string;

  @ApiProperty({ description: 'Has legal personality (tư cách pháp nhân)' })
  @IsBoolean()
  legalEntity: boolean;
}

export class ListOrganizationsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ORGANIZATION_STATUSES })
  @IsOptional()
  @IsIn(ORGANIZATION_STATUSES)
  status?: OrganizationStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Direct units of this organisation' })
  @IsOptional()
  @IsUUID('all')
  parentId?: string;
}

export class RenameOrganizationDto {
  @ApiProperty({ example: 'Sở Khoa học và Công nghệ tỉnh Hà Nam' })
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiPropertyOptional({ example: '000.00.32.H29', description: 'A new identifier code, when it changes too' })
  @IsOptional()
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code?: string;
}

export class MoveOrganizationDto {
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'New parent; null makes it a root',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID('all')
  parentId?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Số 5 Lê Lợi, TP Huế' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Length(0, 500)
  address?: string | null;
}

export class MergeOrganizationDto {
  @ApiProperty({ format: 'uuid', description: 'The organisation this one is merged into (its successor)' })
  @IsUUID('all')
  intoId: string;
}

export class SplitOrganizationDto {
  @ApiProperty({
    type: [CreateOrganizationDto],
    description: 'The new organisations (parentId is ignored: they take the parent of the one split)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CreateOrganizationDto)
  into: CreateOrganizationDto[];
}

export class DissolveOrganizationDto {
  @ApiPropertyOptional({ example: 'Quyết định số 123/QĐ-UBND' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '000.00.00.H29' }) code: string;
  @ApiProperty({ example: 'Sở Thông tin và Truyền thông tỉnh Hà Nam' }) name: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty() legalEntity: boolean;
  @ApiProperty({ enum: ORGANIZATION_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Merged: the successor' }) successorId:
    string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class OrganizationEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ enum: ORGANIZATION_EVENT_TYPES }) type: string;
  @ApiProperty({ description: 'Per type: before/after, intoId and what moved, new organisation ids, reason' })
  details: object;
  @ApiProperty() actor: object;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class SplitResultDto {
  @ApiProperty({ type: OrganizationDto }) organization: OrganizationDto;
  @ApiProperty({ type: [OrganizationDto] }) parts: OrganizationDto[];
}
