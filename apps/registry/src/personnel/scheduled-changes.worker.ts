import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ChangeSchedule } from './change-schedule';
import { PersonnelService } from './personnel.service';

/**
 * The registry applies its scheduled personnel changes in-process (a few a day). At boot it queues
 * again every change still waiting (same job id: a job already queued stays the only one), so a
 * change whose job was lost with Redis, or whose day came while the registry was down, is applied.
 */
@Injectable()
export class ScheduledChangesWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ScheduledChanges');

  constructor(
    private readonly schedule: ChangeSchedule,
    private readonly personnel: PersonnelService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule.start(async (id) => {
      const outcome = await this.personnel.applyScheduled(id);
      this.log.log(`personnel change ${id}: ${outcome}`);
      return outcome;
    });
    // Redis down at boot: the registry still serves; the next boot (or the job itself) catches up.
    await this.personnel
      .rescheduleWaiting()
      .catch((e: Error) => this.log.warn(`scheduled changes not re-queued at boot: ${e.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.close();
  }
}
