import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OfficialsModule } from '../officials/officials.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { KeyDeviceEntity } from './key-device.entity';
import { KeyDevicesController } from './key-devices.controller';
import { KeyDevicesRepository, TypeOrmKeyDevicesRepository } from './key-devices.repository';
import { KeyDevicesService } from './key-devices.service';

@Module({
  imports: [TypeOrmModule.forFeature([KeyDeviceEntity]), OrganizationsModule, OfficialsModule, OwnershipModule],
  controllers: [KeyDevicesController],
  providers: [KeyDevicesService, { provide: KeyDevicesRepository, useClass: TypeOrmKeyDevicesRepository }],
  exports: [KeyDevicesService, KeyDevicesRepository],
})
export class KeyDevicesModule {}
