import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { OfficialsModule } from '../officials/officials.module';
import { SigningAuthorizationsController } from './signing-authorizations.controller';
import { SigningAuthorizationsService } from './signing-authorizations.service';

@Module({
  imports: [CertificatesModule, OfficialsModule],
  controllers: [SigningAuthorizationsController],
  providers: [SigningAuthorizationsService],
})
export class SigningAuthorizationsModule {}
