import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock, DATABASE_CONNECT_RETRY, SystemClock } from '@kyso/common';
import { VERIFIER_ENTITIES, verifierDataSourceOptions } from './data-source';
import { CaIssuersCache, TypeOrmCaIssuersCache } from './revocation/ca-issuers-cache.repository';
import { EvidenceRepository, TypeOrmEvidenceRepository } from './evidence/evidence.repository';
import { CrlCache, TypeOrmCrlCache } from './revocation/crl-cache.repository';
import { OcspCache, PostgresOcspCache } from './revocation/ocsp-cache.repository';
import { HistoryRepository, TypeOrmHistoryRepository } from './history/history.repository';
import { TypeOrmValidationRepository, ValidationRepository } from './validation.repository';

/** The verifier's database and repositories, and its clock: shared by the API and the worker. */
@Module({})
export class VerifierPersistenceModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: VerifierPersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...verifierDataSourceOptions(databaseUrl), ...DATABASE_CONNECT_RETRY }),
        TypeOrmModule.forFeature(VERIFIER_ENTITIES),
      ],
      providers: [
        { provide: ValidationRepository, useClass: TypeOrmValidationRepository },
        { provide: CrlCache, useClass: TypeOrmCrlCache },
        { provide: CaIssuersCache, useClass: TypeOrmCaIssuersCache },
        { provide: OcspCache, useClass: PostgresOcspCache },
        { provide: EvidenceRepository, useClass: TypeOrmEvidenceRepository },
        { provide: Clock, useClass: SystemClock },
        { provide: HistoryRepository, useClass: TypeOrmHistoryRepository },
      ],
      exports: [
        ValidationRepository,
        CrlCache,
        OcspCache,
        CaIssuersCache,
        EvidenceRepository,
        Clock,
        HistoryRepository,
      ],
    };
  }
}
