import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import type { RegistryConfig } from '../config';
import { OrganizationsModule } from '../organizations/organizations.module';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { NationalIdCipher } from './national-id-cipher';
import { NationalIds } from './national-ids';
import { OfficialsController } from './officials.controller';
import { OfficialsRepository, TypeOrmOfficialsRepository } from './officials.repository';
import { OfficialsService } from './officials.service';

@Module({
  imports: [OrganizationsModule, OwnershipModule],
  controllers: [OfficialsController],
  providers: [
    OfficialsService,
    { provide: OfficialsRepository, useClass: TypeOrmOfficialsRepository },
    {
      provide: NationalIds,
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) =>
        new NationalIds(config.dataKey ? NationalIdCipher.fromBase64(config.dataKey) : undefined),
    },
  ],
  exports: [OfficialsService],
})
export class OfficialsModule {}
