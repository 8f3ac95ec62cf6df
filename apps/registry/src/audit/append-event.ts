import { AppendAuditEventDto, parseInput } from '@kyso/contracts';
import type { JsonValue } from './audit-hash';

/** A checked `POST /audit/events` body: before and after as they were sent. */
export interface AppendEvent {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: JsonValue;
  after?: JsonValue;
}

/**
 * Checks the body as the validation pipe would (AppendAuditEventDto: the same 400 problems, unknown
 * fields dropped), without handing it to the pipe: class-transformer would copy `before` and `after`
 * key by key (a seal's hundreds of evidence records) for class-validator to skip them, as they
 * are any JSON. Here they are JSON already: what the body parser made of the request.
 */
export function appendEventOf(body: unknown): AppendEvent {
  const b = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const dto = parseInput(AppendAuditEventDto, { action: b.action, entityType: b.entityType, entityId: b.entityId });
  return {
    action: dto.action,
    entityType: dto.entityType,
    entityId: dto.entityId ?? null,
    before: b.before as JsonValue | undefined,
    after: b.after as JsonValue | undefined,
  };
}
