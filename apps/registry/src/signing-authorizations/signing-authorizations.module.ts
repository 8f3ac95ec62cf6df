import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { OfficialsModule } from '../officials/officials.module';
import { OwnershipModule } from '../ownership/ownership.module';
import { SigningAuthorizationsController } from './signing-authorizations.controller';
import { SigningAuthorizationsService } from './signing-authorizations.service';

@Module({
  imports: [CertificatesModule, OfficialsModule, OwnershipModule],
  controllers: [SigningAuthorizationsController],
  providers: [SigningAuthorizationsService],
})
export class SigningAuthorizationsModule {}
