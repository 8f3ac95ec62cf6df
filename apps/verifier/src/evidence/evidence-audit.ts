import { InternalClient, serviceCaller } from '@kyso/common';
import { AppendAuditEventDto, AUDIT_EVENTS_PATH, auditEventReceiptAnswer } from '@kyso/contracts';

/** Where an appended event sits in the registry's hash chain. */
export interface AuditReceipt {
  seq: string;
  hash: string;
}

/** The registry's audit log as the evidence needs it: append, and learn the event's place in the chain. */
export abstract class EvidenceAudit {
  /** Throws when the registry cannot be reached or refuses: the caller keeps the record unsealed. */
  abstract append(event: AppendAuditEventDto): Promise<AuditReceipt>;
}

export class RegistryEvidenceAudit extends EvidenceAudit {
  constructor(private readonly registry: InternalClient) {
    super();
  }

  append(event: AppendAuditEventDto): Promise<AuditReceipt> {
    // Only the event's place in the chain: not its records echoed back, parsed and checked again.
    return this.registry.json('POST', AUDIT_EVENTS_PATH, auditEventReceiptAnswer, event, {
      caller: serviceCaller('verifier'),
      headers: { prefer: 'return=minimal' },
    });
  }
}
