import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { ListQueryDto } from '../shared/list-query.dto';
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

export class PartyDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An official of the registry' })
  @IsOptional()
  @IsUUID('all')
  officialId?: string;

  @ApiPropertyOptional({ example: 'Nhân viên giao nhận VNPT-CA', description: 'Required when officialId is absent' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class MoveKeyDeviceDto {
  @ApiProperty({ enum: DEVICE_STATES, description: 'The state after the hand-over' })
  @IsIn(DEVICE_STATES)
  toState: DeviceState;

  @ApiPropertyOptional({ format: 'uuid', description: 'The new holder; only and always when toState is "issued"' })
  @IsOptional()
  @IsUUID('all')
  holderOfficialId?: string;

  @ApiProperty({ type: PartyDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PartyDto)
  handedBy: PartyDto;

  @ApiProperty({ type: PartyDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PartyDto)
  receivedBy: PartyDto;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it was handed over (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ example: 'Biên bản bàn giao số 12/BB-STTTT' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

export class ListKeyDevicesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  organizationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  holderOfficialId?: string;

  @ApiPropertyOptional({ enum: DEVICE_STATES })
  @IsOptional()
  @IsIn(DEVICE_STATES)
  state?: DeviceState;
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

export class KeyDeviceDetailDto extends KeyDeviceDto {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Owed back since (its certificates all revoked or expired); null when not owed',
  })
  returnOwedSince: string | null;
}

export class HandoverDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) deviceId: string;
  @ApiProperty({ enum: DEVICE_STATES }) fromState: string;
  @ApiProperty({ enum: DEVICE_STATES }) toState: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) holderOfficialId: string | null;
  @ApiProperty({ type: PartyDto }) handedBy: PartyDto;
  @ApiProperty({ type: PartyDto }) receivedBy: PartyDto;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() recordedBy: object;
}
