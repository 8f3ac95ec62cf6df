import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import { CaConnectorModule } from '../ca-connector/ca-connector.module';
import { TrustAnchorsModule } from '../trust-anchors/trust-anchors.module';
import { CertificateTrust } from './certificate-trust.service';
import { KeyDevicesModule } from '../devices/key-devices.module';
import { OfficialsModule } from '../officials/officials.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { CertificatesController } from './certificates.controller';
import { CertificatesRepository, TypeOrmCertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { PinHasher, ScryptPinHasher } from './pin-hasher';

@Module({
  imports: [
    OrganizationsModule,
    OfficialsModule,
    KeyDevicesModule,
    OwnershipModule,
    CaConnectorModule,
    TrustAnchorsModule,
  ],
  controllers: [CertificatesController],
  providers: [
    CertificatesService,
    CertificateTrust,
    { provide: CertificatesRepository, useClass: TypeOrmCertificatesRepository },
    { provide: PinHasher, useFactory: () => new ScryptPinHasher() },
  ],
  exports: [CertificatesService, CertificatesRepository, PinHasher, CertificateTrust],
})
export class CertificatesModule {}
