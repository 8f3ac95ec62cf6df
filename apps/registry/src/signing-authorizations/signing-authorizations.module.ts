import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { PinHasher } from '../certificates/pin-hasher';
import { KeyDevicesModule } from '../devices/key-devices.module';
import { OfficialsModule } from '../officials/officials.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { OwnershipModule } from '../ownership/ownership.module';
import { SigningAuthorizationsController } from './signing-authorizations.controller';
import { SigningAuthorizationsService } from './signing-authorizations.service';
import { PinLocksRepository } from './pin-locks.repository';
import { PinPrechecks } from './pin-prechecks';
import { SigningSessionsRepository } from './signing-sessions.repository';

@Module({
  imports: [CertificatesModule, KeyDevicesModule, OfficialsModule, OrganizationsModule, OwnershipModule],
  controllers: [SigningAuthorizationsController],
  providers: [
    SigningAuthorizationsService,
    PinLocksRepository,
    SigningSessionsRepository,
    { provide: PinPrechecks, inject: [PinHasher], useFactory: (pins: PinHasher) => new PinPrechecks(pins) },
  ],
  exports: [PinLocksRepository],
})
export class SigningAuthorizationsModule {}
