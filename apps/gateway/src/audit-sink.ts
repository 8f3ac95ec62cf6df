import { Logger } from '@nestjs/common';
import { Caller, InternalClient } from '@kyso/common';

export interface AuthEvent {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

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
      await this.registry.json('POST', '/audit/events', event, { caller: actor });
    } catch (e) {
      this.log.warn(`audit event ${event.action} not recorded: ${(e as Error).message}`);
    }
  }
}
