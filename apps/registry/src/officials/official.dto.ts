import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateIf,
} from 'class-validator';
import { ListQueryDto } from '../shared/list-query.dto';
import { EMPLOYMENT_STATUSES, EmploymentStatus, OFFICIAL_ROLES, OfficialRole } from './official';

const NATIONAL_ID_DOC =
  'Số định danh cá nhân: 12-digit CCCD (province code first), or a legacy 9-digit CMND. Stored encrypted; never returned in clear.';

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

  @ApiPropertyOptional({
    enum: OFFICIAL_ROLES,
    isArray: true,
    default: ['official'],
    description: '"official" is always included',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(OFFICIAL_ROLES.length)
  @IsIn(OFFICIAL_ROLES, { each: true })
  roles?: OfficialRole[];

  @ApiPropertyOptional({ example: '035095001234', description: NATIONAL_ID_DOC, writeOnly: true })
  @IsOptional()
  @IsString({ message: 'nationalId must be a string of digits' })
  @Length(1, 32, { message: 'nationalId must be 9 or 12 digits' })
  nationalId?: string;
}

export class UpdateOfficialDto {
  @ApiPropertyOptional({ example: 'Nguyễn Văn An' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  fullName?: string;

  @ApiPropertyOptional({ example: 'an.nv@hue.gov.vn' })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({ example: 'Phó Giám đốc' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the current organisation is accepted: a move is a transfer (POST /personnel-changes)',
  })
  @IsOptional()
  @IsUUID('all')
  organizationId?: string;

  @ApiPropertyOptional({
    enum: EMPLOYMENT_STATUSES,
    description:
      'Only the current status is accepted (422 EMPLOYMENT_STATUS_IS_PERSONNEL_CHANGE otherwise): retirement, resignation and death are personnel changes (POST /personnel-changes)',
  })
  @IsOptional()
  @IsIn(EMPLOYMENT_STATUSES)
  employmentStatus?: EmploymentStatus;

  @ApiPropertyOptional({
    enum: OFFICIAL_ROLES,
    isArray: true,
    description: 'Granting or withdrawing "clerk" needs an admin or an IT officer competent for the organisation',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(OFFICIAL_ROLES.length)
  @IsIn(OFFICIAL_ROLES, { each: true })
  roles?: OfficialRole[];

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: `${NATIONAL_ID_DOC} null erases it.`,
    writeOnly: true,
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString({ message: 'nationalId must be a string of digits' })
  @Length(1, 32, { message: 'nationalId must be 9 or 12 digits' })
  nationalId?: string | null;
}

export class LookupOfficialDto {
  @ApiProperty({
    example: '035095001234',
    description: 'Exact national ID number (sent in the body, not the URL, so it stays out of access logs)',
    writeOnly: true,
  })
  @IsString()
  @Length(1, 32)
  nationalId: string;
}

export class ListOfficialsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  organizationId?: string;

  @ApiPropertyOptional({ enum: EMPLOYMENT_STATUSES })
  @IsOptional()
  @IsIn(EMPLOYMENT_STATUSES)
  employmentStatus?: EmploymentStatus;
}

export class OfficialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) fullName: string;
  @ApiProperty({ example: 'an.nv@hanam.gov.vn' }) email: string;
  @ApiProperty({ example: 'Giám đốc' }) title: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ enum: EMPLOYMENT_STATUSES }) employmentStatus: string;
  @ApiProperty({ enum: OFFICIAL_ROLES, isArray: true }) roles: string[];
  @ApiProperty({ enum: ['cccd', 'cmnd'], nullable: true, type: String }) nationalIdKind: string | null;
  @ApiProperty({ nullable: true, type: String, example: '*********234', description: 'Last 3 digits only' })
  nationalIdMasked: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SignatureImageInfoDto {
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty({ description: 'SHA-256 of the PNG, hex' }) sha256: string;
  @ApiProperty({ format: 'date-time' }) uploadedAt: string;
}
