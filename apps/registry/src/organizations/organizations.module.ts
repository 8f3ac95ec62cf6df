import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository, TypeOrmOrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [OwnershipModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, { provide: OrganizationsRepository, useClass: TypeOrmOrganizationsRepository }],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
