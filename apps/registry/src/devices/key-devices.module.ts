import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import { OfficialsModule } from '../officials/officials.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { KeyDevicesController } from './key-devices.controller';
import { KeyDevicesRepository, TypeOrmKeyDevicesRepository } from './key-devices.repository';
import { KeyDevicesService } from './key-devices.service';

@Module({
  imports: [OrganizationsModule, OfficialsModule, OwnershipModule],
  controllers: [KeyDevicesController],
  providers: [KeyDevicesService, { provide: KeyDevicesRepository, useClass: TypeOrmKeyDevicesRepository }],
  exports: [KeyDevicesService, KeyDevicesRepository],
})
export class KeyDevicesModule {}
