import { Logger } from '@nestjs/common';
import { Caller, InternalClient } from '@kyso/common';
import { AppendAuditEventDto, AUDIT_EVENTS_PATH, ignoredAnswer } from '@kyso/contracts';

/** An event as the registry's `POST /audit/events` takes it (the internal contract). */
export type AuthEvent = AppendAuditEventDto;

/** Authentication events go to the registry's audit log; a failure to record is logged, never fatal. */
export abstract class AuditSink {
  abstract record(event: AuthEvent, actor?: Caller): Promise<void>;
}

export class RegistryAuditSink extends AuditSink {
  private readonly log = new Logger('AuditSink');
  constructor(private readonly registry: InternalClient) {
    super();
  }

  async record(event: AuthEvent, actor?: Caller): Promise<void> {
    try {
      await this.registry.json('POST', AUDIT_EVENTS_PATH, ignoredAnswer, event, { caller: actor });
    } catch (e) {
      this.log.warn(`audit event ${event.action} not recorded: ${(e as Error).message}`);
    }
  }
}
