import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { OfficialEntity } from './official.entity';
import { OfficialsController } from './officials.controller';
import { OfficialsRepository, TypeOrmOfficialsRepository } from './officials.repository';
import { OfficialsService } from './officials.service';

@Module({
  imports: [TypeOrmModule.forFeature([OfficialEntity]), OrganizationsModule],
  controllers: [OfficialsController],
  providers: [OfficialsService, { provide: OfficialsRepository, useClass: TypeOrmOfficialsRepository }],
  exports: [OfficialsService],
})
export class OfficialsModule {}
