import { MigrationInterface, QueryRunner } from 'typeorm';

/** Consecutive wrong signing PINs per certificate; locked_at set once the limit is reached (R13). */
export class CreateCertificatePinLock1797000000500 implements MigrationInterface {
  name = 'CreateCertificatePinLock1797000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.certificate_pin_lock (
        certificate_id uuid PRIMARY KEY REFERENCES registry.certificate (id) ON DELETE CASCADE,
        failures integer NOT NULL DEFAULT 0,
        locked_at timestamptz NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT certificate_pin_lock_failures_check CHECK (failures >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.certificate_pin_lock');
  }
}
