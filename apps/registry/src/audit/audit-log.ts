/**
 * The registry's tamper-evident audit log (hash-chained, append-only). Every change of registry
 * data appends one entry, in the same transaction as the change (the one `Transactions.run` is
 * running, if any); other services append through `POST /audit/events`.
 */
export interface AuditActor {
  kind: 'system' | 'operator' | 'service';
  id: string;
  name: string;
}

export interface AuditEntry {
  actor: AuditActor;
  /** Dotted verb in the domain's words, e.g. `certificate.revoked`, `request.approved`, `auth.login_failed`. */
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

/** DI token and port: the implementation lives in this folder's AuditModule. */
export abstract class AuditLog {
  abstract append(entry: AuditEntry): Promise<void>;
  /** Several entries chained one after the other, in this order (one lock and round trip for a batch). */
  abstract appendAll(entries: AuditEntry[]): Promise<void>;
}
