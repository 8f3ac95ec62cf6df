import { Module } from '@nestjs/common';
import { CaConnectorModule } from '../ca-connector/ca-connector.module';
import { CertificatesModule } from '../certificates/certificates.module';
import { DevCaController } from './dev-ca.controller';
import { DevCaStatusService } from './dev-ca-status.service';
import { DevTsaService } from './dev-tsa.service';

@Module({
  imports: [CaConnectorModule, CertificatesModule],
  controllers: [DevCaController],
  providers: [DevCaStatusService, DevTsaService],
})
export class DevCaModule {}
