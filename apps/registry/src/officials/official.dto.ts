import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ListQueryDto } from '../shared/list-query.dto';
import { EMPLOYMENT_STATUSES, OFFICIAL_ROLES, OfficialRole } from './official';

export class CreateOfficialDto {
  @ApiProperty({ example: 'Nguyễn Văn An' })
  @IsString()
  @Length(1, 200)
  fullName: string;

  @ApiProperty({ example: 'an.nv@hanam.gov.vn' })
  @IsEmail()
  @Length(3, 254)
  email: string;

  @ApiProperty({ example: 'Giám đốc', description: 'Chức danh' })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  organizationId: string;

  @ApiPropertyOptional({ enum: OFFICIAL_ROLES, isArray: true, default: ['official'], description: '"official" is always included' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(OFFICIAL_ROLES.length)
  @IsIn(OFFICIAL_ROLES, { each: true })
  roles?: OfficialRole[];
}

export class ListOfficialsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  organizationId?: string;
}

export class OfficialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) fullName: string;
  @ApiProperty({ example: 'an.nv@hanam.gov.vn' }) email: string;
  @ApiProperty({ example: 'Giám đốc' }) title: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ enum: EMPLOYMENT_STATUSES }) employmentStatus: string;
  @ApiProperty({ enum: OFFICIAL_ROLES, isArray: true }) roles: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
