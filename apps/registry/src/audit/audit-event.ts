import type { JsonValue } from './audit-hash';
import type { AuditActor } from './audit-log';

/** One stored entry of the chain. `seq` is a bigint, kept as a decimal string. */
export interface AuditEvent {
  seq: string;
  at: Date;
  actor: AuditActor;
  action: string;
  entityType: string;
  entityId: string | null;
  before: JsonValue;
  after: JsonValue;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditEventView extends Omit<AuditEvent, 'at'> {
  at: string;
}

export const toAuditEventView = (e: AuditEvent): AuditEventView => ({ ...e, at: e.at.toISOString() });

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Only entries about organisations, officials, certificates, devices and requests of these organisations (none: all). */
  organizationIds?: string[];
  limit: number;
  offset: number;
}

/** Result of recomputing the chain: intact, or the first entry where it breaks and why. */
export type ChainVerification =
  | { ok: true; checked: number; lastSeq: string | null; lastHash: string | null }
  | { ok: false; checked: number; firstBrokenSeq: string; reason: 'HASH_MISMATCH' | 'PREVIOUS_HASH_MISMATCH' };
