import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CertificatesModule } from './certificates/certificates.module';
import type { RegistryConfig } from './config';
import { registryDataSourceOptions } from './data-source';
import { KeyDevicesModule } from './devices/key-devices.module';
import { HealthModule } from './health/health.module';
import { OfficialsModule } from './officials/officials.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { SharedModule } from './shared/shared.module';
import { AuditModule } from './audit/audit.module';
import { ReportsModule } from './reports/reports.module';
import { RegistryConfigModule } from './shared/registry-config.module';
import { contractValidationPipe } from '@kyso/contracts';
import { SigningAuthorizationsModule } from './signing-authorizations/signing-authorizations.module';
import { SignatureRecordsModule } from './signature-records/signature-records.module';
import { TrustAnchorsModule } from './trust-anchors/trust-anchors.module';
import { OwnershipModule } from './ownership/ownership.module';
import { RequestsModule } from './requests/requests.module';
import { PersonnelModule } from './personnel/personnel.module';
import { DevCaModule } from './dev-ca/dev-ca.module';

/** One Nest module per bounded context; lifecycle requests, audit and reports join as further modules. */
@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: RegistryModule,
      imports: [
        // A few quick retries, not Nest's default of nine 3-second ones: a wrong URL should fail the boot promptly.
        TypeOrmModule.forRoot({
          ...registryDataSourceOptions(config.databaseUrl),
          migrationsRun: false,
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        SharedModule,
        RegistryConfigModule.forRoot(config),
        AuditModule,
        HealthModule,
        OrganizationsModule,
        OfficialsModule,
        KeyDevicesModule,
        CertificatesModule,
        SigningAuthorizationsModule,
        SignatureRecordsModule,
        TrustAnchorsModule,
        ReportsModule,
        OwnershipModule,
        RequestsModule,
        PersonnelModule,
        DevCaModule,
      ],
      providers: [{ provide: APP_PIPE, useFactory: contractValidationPipe }],
    };
  }
}
