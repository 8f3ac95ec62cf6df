import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import { KeyDevicesModule } from '../devices/key-devices.module';
import { OfficialsModule } from '../officials/officials.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { CertificatesController } from './certificates.controller';
import { CertificatesRepository, TypeOrmCertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { PinHasher, ScryptPinHasher } from './pin-hasher';

@Module({
  imports: [OrganizationsModule, OfficialsModule, KeyDevicesModule, OwnershipModule],
  controllers: [CertificatesController],
  providers: [
    CertificatesService,
    { provide: CertificatesRepository, useClass: TypeOrmCertificatesRepository },
    { provide: PinHasher, useFactory: () => new ScryptPinHasher() },
  ],
  exports: [CertificatesService, CertificatesRepository, PinHasher],
})
export class CertificatesModule {}
