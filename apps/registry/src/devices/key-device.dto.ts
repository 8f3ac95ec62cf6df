import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { DEVICE_STATES, DeviceState } from './key-device';

export class CreateKeyDeviceDto {
  @ApiProperty({ example: '54010203A1B2C3D4' })
  @IsString()
  @Length(1, 128)
  serialNumber: string;

  @ApiProperty({ example: 'ePass2003' })
  @IsString()
  @Length(1, 200)
  model: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required when state is "issued"' })
  @IsOptional()
  @IsUUID('all')
  holderOfficialId?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  organizationId: string;

  @ApiProperty({ enum: DEVICE_STATES })
  @IsIn(DEVICE_STATES)
  state: DeviceState;
}

export class KeyDeviceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '54010203A1B2C3D4' }) serialNumber: string;
  @ApiProperty({ example: 'ePass2003' }) model: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) holderOfficialId: string | null;
  @ApiProperty({ enum: DEVICE_STATES }) state: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
