import { Module } from '@nestjs/common';
import { OfficialsModule } from '../officials/officials.module';
import { OrganizationEvents } from '../organizations/organization-event';
import { OwnershipModule } from '../ownership/ownership.module';
import { RequestsModule } from '../requests/requests.module';
import { OrganizationEventDrafts } from './organization-event-drafts';
import { PersonnelController } from './personnel.controller';
import { PersonnelRepository } from './personnel.repository';
import { PersonnelService } from './personnel.service';

/** Personnel and organisation changes; also the OrganizationEvents port the organisations context calls. */
@Module({
  imports: [RequestsModule, OwnershipModule, OfficialsModule],
  controllers: [PersonnelController],
  providers: [
    PersonnelService,
    PersonnelRepository,
    { provide: OrganizationEvents, useClass: OrganizationEventDrafts },
  ],
})
export class PersonnelModule {}
