import { ProblemError } from '@kyso/common';
import type { Acting } from './actor';
import type { AuditLog } from './audit-log';

/** Refusals worth a trace in the chain: a caller not allowed (403), a rule broken (409, 422); not typos (400) or unknown ids (404). */
const AUDITED_STATUSES: ReadonlySet<number> = new Set([403, 409, 422]);

export interface RefusedAttempt {
  /** Dotted verb ending in `_refused`, e.g. `certificate.registration_refused`. */
  action: string;
  entityType: string;
  entityId: string | null;
  /** What was asked, as the audit log may keep it (never a PIN, never bytes). */
  attempt?: Record<string, unknown>;
}

/**
 * Runs `attempt` and, when it is refused for a reason that matters for security (a role grant, a
 * transfer, a certificate registration...), appends `outcome: refused` and the problem's code to the
 * audit chain before rethrowing. Call it outside the transaction of the attempt: that one rolls back.
 * Should the audit append itself fail, the caller still gets the refusal, not the audit's error.
 */
export async function auditRefusals<T>(
  audit: AuditLog,
  acting: Acting,
  what: RefusedAttempt | (() => RefusedAttempt),
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (e) {
    if (e instanceof ProblemError && AUDITED_STATUSES.has(e.status)) {
      const w = typeof what === 'function' ? what() : what;
      await audit
        .append({
          ...acting,
          action: w.action,
          entityType: w.entityType,
          entityId: w.entityId,
          after: { outcome: 'refused', code: e.code, status: e.status, ...w.attempt },
        })
        .catch(() => undefined);
    }
    throw e;
  }
}
