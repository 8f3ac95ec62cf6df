import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

export class CreateOrganizationDto {
  @ApiProperty({ example: '000.00.00.H29', description: 'Unique agency code (mã định danh cơ quan)' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'code must be 1-64 letters, digits, ".", "_" or "-"' })
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

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '000.00.00.H29' }) code: string;
  @ApiProperty({ example: 'Sở Thông tin và Truyền thông tỉnh Hà Nam' }) name: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty() legalEntity: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
