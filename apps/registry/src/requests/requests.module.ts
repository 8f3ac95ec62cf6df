import { Module } from '@nestjs/common';
import { CaConnectorModule } from '../ca-connector/ca-connector.module';
import { CertificatesModule } from '../certificates/certificates.module';
import { KeyDevicesModule } from '../devices/key-devices.module';
import { LettersController } from '../letters/letters.controller';
import { LettersModule } from '../letters/letters.module';
import { OwnershipModule } from '../ownership/ownership.module';
import { LifecycleRecords, TypeOrmLifecycleRecords } from './records-port';
import { RequestsController } from './requests.controller';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';
import { SigningAuthorizationsModule } from '../signing-authorizations/signing-authorizations.module';

/** Lifecycle requests and their workflow, the CA connector and the request letters. */
@Module({
  imports: [
    CertificatesModule,
    KeyDevicesModule,
    OwnershipModule,
    CaConnectorModule,
    LettersModule,
    SigningAuthorizationsModule,
  ],
  controllers: [RequestsController, LettersController],
  providers: [RequestsService, RequestsRepository, { provide: LifecycleRecords, useClass: TypeOrmLifecycleRecords }],
  exports: [RequestsService, LifecycleRecords],
})
export class RequestsModule {}
