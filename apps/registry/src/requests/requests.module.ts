import { Module } from '@nestjs/common';
import { CaConnectorModule } from '../ca-connector/ca-connector.module';
import { CertificatesModule } from '../certificates/certificates.module';
import { KeyDevicesModule } from '../devices/key-devices.module';
import { LettersController } from '../letters/letters.controller';
import { LettersModule } from '../letters/letters.module';
import { OwnershipModule } from '../ownership/ownership.module';
import { LifecycleRecords, TypeOrmLifecycleRecords } from './records-port';
import { RequestsController } from './requests.controller';
import { RequestsService } from './requests.service';

/** Lifecycle requests and their workflow, the CA connector and the request letters. */
@Module({
  imports: [CertificatesModule, KeyDevicesModule, OwnershipModule, CaConnectorModule, LettersModule],
  controllers: [RequestsController, LettersController],
  providers: [RequestsService, { provide: LifecycleRecords, useClass: TypeOrmLifecycleRecords }],
  exports: [RequestsService, LifecycleRecords],
})
export class RequestsModule {}
