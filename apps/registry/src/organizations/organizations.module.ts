import { OwnershipModule } from '../ownership/ownership.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationEntity } from './organization.entity';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository, TypeOrmOrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [TypeOrmModule.forFeature([OrganizationEntity]), OwnershipModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, { provide: OrganizationsRepository, useClass: TypeOrmOrganizationsRepository }],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
