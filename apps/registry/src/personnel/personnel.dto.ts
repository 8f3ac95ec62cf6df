import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
} from 'class-validator';
import { ORGANIZATION_CHANGE_KINDS, OrganizationChangeKind, PERSONNEL_KINDS, PersonnelKind } from './personnel.service';

export class PersonnelChangeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') officialId: string;
  @ApiProperty({ enum: PERSONNEL_KINDS }) @IsIn(PERSONNEL_KINDS) kind: PersonnelKind;
  @ApiProperty({ example: '2026-07-01', description: 'Date the change takes effect (YYYY-MM-DD)' })
  @IsISO8601({ strict: true })
  effectiveDate: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'transfer: the new organisation' })
  @IsOptional()
  @IsUUID('all')
  newOrganizationId?: string;
}

export class OrganizationChangeDto {
  @ApiProperty({ enum: ORGANIZATION_CHANGE_KINDS }) @IsIn(ORGANIZATION_CHANGE_KINDS) kind: OrganizationChangeKind;
  @ApiProperty({
    type: [String],
    description: 'The organisations renamed, merged, split or dissolved (their sub-units follow)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  organizationIds: string[];
  @ApiProperty({ example: '2025-07-01' }) @IsISO8601({ strict: true }) effectiveDate: string;
  @ApiPropertyOptional({ example: 'Sở Nội vụ thành phố Huế', description: 'rename: the new name' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  newName?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'merge/split: the organisation people move to' })
  @IsOptional()
  @IsUUID('all')
  targetOrganizationId?: string;
}
