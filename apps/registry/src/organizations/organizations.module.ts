import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository, TypeOrmOrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { SealsController } from '../seals/seals.controller';
import { SealsRepository } from '../seals/seals.repository';
import { SealsService } from '../seals/seals.service';

@Module({
  imports: [OwnershipModule],
  controllers: [OrganizationsController, SealsController],
  providers: [
    OrganizationsService,
    SealsService,
    SealsRepository,
    { provide: OrganizationsRepository, useClass: TypeOrmOrganizationsRepository },
  ],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
