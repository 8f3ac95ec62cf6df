import { badRequest, conflict, forbidden, notFound, unprocessable } from '@kyso/common';
import type { AuditEntry, AuditLog } from './audit-log';
import { auditRefusals } from './refusals';

describe('auditRefusals', () => {
  const acting = { actor: { kind: 'operator' as const, id: 'op-1', name: 'it' }, requestId: 'r-1' };
  const what = {
    action: 'official.update_refused',
    entityType: 'official',
    entityId: 'o-1',
    attempt: { roles: ['clerk'] },
  };
  const run = async (error: Error | null, append?: (e: AuditEntry) => Promise<void>) => {
    const entries: AuditEntry[] = [];
    const audit = { append: append ?? (async (e: AuditEntry) => void entries.push(e)) } as AuditLog;
    const outcome = await auditRefusals(audit, acting, what, async () => {
      if (error) throw error;
      return 'done';
    }).catch((e: Error) => e);
    return { outcome, entries };
  };

  it('appends outcome refused with the code for 403, 409 and 422, and rethrows the refusal', async () => {
    for (const e of [forbidden('ROLE_GRANT_NOT_ALLOWED', 'no'), conflict('X_EXISTS', 'no'), unprocessable('Y', 'no')]) {
      const { outcome, entries } = await run(e);
      expect(outcome).toBe(e);
      expect(entries).toEqual([
        {
          ...acting,
          action: 'official.update_refused',
          entityType: 'official',
          entityId: 'o-1',
          after: { outcome: 'refused', code: e.code, status: e.status, roles: ['clerk'] },
        },
      ]);
    }
  });

  it('leaves malformed input, unknown ids, other errors and successes out of the audit chain', async () => {
    for (const e of [badRequest('INVALID_FIELD', 'x'), notFound('OFFICIAL_NOT_FOUND', 'x'), new Error('db down')])
      expect((await run(e)).entries).toEqual([]);
    expect(await run(null)).toEqual({ outcome: 'done', entries: [] });
  });

  it('still answers the refusal when the audit append fails', async () => {
    const refusal = forbidden('ROLE_GRANT_NOT_ALLOWED', 'no');
    const { outcome } = await run(refusal, async () => {
      throw new Error('audit unavailable');
    });
    expect(outcome).toBe(refusal);
  });
});
