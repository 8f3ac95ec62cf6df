import { Logger, Module } from '@nestjs/common';
import type { RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { BullChangeSchedule, ChangeSchedule, NoChangeSchedule } from './change-schedule';
import { OfficialsModule } from '../officials/officials.module';
import { OrganizationEvents } from '../organizations/organization-event';
import { OwnershipModule } from '../ownership/ownership.module';
import { RequestsModule } from '../requests/requests.module';
import { OrganizationEventDrafts } from './organization-event-drafts';
import { PersonnelController } from './personnel.controller';
import { PersonnelRepository } from './personnel.repository';
import { PersonnelService } from './personnel.service';
import { ScheduledChangesWorker } from './scheduled-changes.worker';

const scheduleFor = (c: RegistryConfig): ChangeSchedule => {
  if (!c.redisUrl) return new NoChangeSchedule();
  const log = new Logger('ScheduledChanges');
  let last = '';
  // One line per distinct failure, not one per reconnect attempt while Redis is away.
  const onError = (e: Error) => {
    if (e.message !== last) log.warn(`queue: ${(last = e.message)}`);
  };
  return new BullChangeSchedule(c.redisUrl, c.queuePrefix ?? 'kyso', onError);
};

/**
 * Personnel and organisation changes; also the OrganizationEvents port the organisations context
 * calls, and the in-process worker applying personnel changes on their effective date.
 */
@Module({
  imports: [RequestsModule, OwnershipModule, OfficialsModule],
  controllers: [PersonnelController],
  providers: [
    PersonnelService,
    PersonnelRepository,
    ScheduledChangesWorker,
    { provide: ChangeSchedule, inject: [REGISTRY_CONFIG], useFactory: scheduleFor },
    { provide: OrganizationEvents, useClass: OrganizationEventDrafts },
  ],
})
export class PersonnelModule {}
