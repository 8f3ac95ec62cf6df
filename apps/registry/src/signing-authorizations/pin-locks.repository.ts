import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_PIN_LOCKOUT_THRESHOLD, RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { Db } from '../shared/transactions';

/**
 * Whether the certificate row `c` (with its key device `d`, LEFT JOINed) is PIN-locked: this
 * certificate reached the limit, or its key device is locked.
 */
export const LOCKED_SQL = `(EXISTS (SELECT 1 FROM registry.certificate_pin_lock l WHERE l.certificate_id = c.id AND l.locked_at IS NOT NULL)
  OR COALESCE(d.state = 'locked', false))`;

/**
 * Consecutive wrong PINs per certificate. Attempts on one certificate are serialised (`serialize`),
 * so parallel guesses cannot slip past the limit; a right PIN resets the count; only a fulfilled device recovery
 * lifts a lock (requests/fulfilment.ts calls `lift`).
 */
@Injectable()
export class PinLocksRepository {
  private readonly threshold: number;

  constructor(
    private readonly db: Db,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.threshold = config.pinLockoutThreshold ?? DEFAULT_PIN_LOCKOUT_THRESHOLD;
  }

  /**
   * Takes the certificate's row lock for the rest of the transaction: lock check, PIN check and
   * count then happen one attempt at a time, so a burst of guesses cannot all be checked before
   * the first failures are counted. NO KEY UPDATE leaves foreign-key checks on the row unblocked.
   */
  async serialize(certificateId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM registry.certificate WHERE id = $1 FOR NO KEY UPDATE', [
      certificateId,
    ]);
    return rows.length > 0;
  }

  /**
   * Locked when this certificate reached the limit, or when its key device is locked: the PIN
   * belongs to the token, so a renewed certificate on a locked token starts locked, until the
   * recovery brings the device back to `issued`.
   */
  async isLocked(certificateId: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await this.db.query(
      `SELECT ${LOCKED_SQL} AS locked
         FROM registry.certificate c LEFT JOIN registry.key_device d ON d.id = c.device_id
        WHERE c.id = $1`,
      [certificateId],
    );
    return rows[0]?.locked ?? false;
  }

  /** Records a wrong PIN; true when this one reached the limit (or it was already locked). */
  async failed(certificateId: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await this.db.query(
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

  async succeeded(certificateId: string): Promise<void> {
    await this.db.query('DELETE FROM registry.certificate_pin_lock WHERE certificate_id = $1 AND locked_at IS NULL', [
      certificateId,
    ]);
  }

  /** Lifts a lock (a fulfilled device recovery). */
  async lift(certificateId: string): Promise<void> {
    await this.db.query('DELETE FROM registry.certificate_pin_lock WHERE certificate_id = $1', [certificateId]);
  }
}
