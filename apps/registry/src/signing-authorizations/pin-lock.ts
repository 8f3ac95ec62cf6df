import type { EntityManager } from 'typeorm';

/**
 * Consecutive wrong PINs per certificate. Counting is one atomic upsert, so parallel guesses
 * cannot slip past the limit; a right PIN resets the count; only a fulfilled device recovery
 * lifts a lock (requests/fulfilment.ts deletes the row).
 */
export class PinLocks {
  constructor(private readonly threshold: number) {}

  async isLocked(m: EntityManager, certificateId: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await m.query('SELECT locked_at IS NOT NULL AS locked FROM registry.certificate_pin_lock WHERE certificate_id = $1', [certificateId]);
    return rows[0]?.locked ?? false;
  }

  /** Records a wrong PIN; true when this one reached the limit (or it was already locked). */
  async failed(m: EntityManager, certificateId: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await m.query(
      `INSERT INTO registry.certificate_pin_lock AS l (certificate_id, failures, locked_at, updated_at)
         VALUES ($1, 1, CASE WHEN 1 >= $2 THEN now() END, now())
       ON CONFLICT (certificate_id) DO UPDATE
         SET failures = l.failures + 1,
             locked_at = COALESCE(l.locked_at, CASE WHEN l.failures + 1 >= $2 THEN now() END),
             updated_at = now()
       RETURNING locked_at IS NOT NULL AS locked`,
      [certificateId, this.threshold],
    );
    return rows[0].locked;
  }

  async succeeded(m: EntityManager, certificateId: string): Promise<void> {
    await m.query('DELETE FROM registry.certificate_pin_lock WHERE certificate_id = $1 AND locked_at IS NULL', [certificateId]);
  }
}
