import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the registry's signature audit needs (issue 12.7) and the outbox mark: an event is
 * committed here before the caller gets its answer, and `forwarded_at` is set once the registry
 * has recorded it (with its hash-chained audit entry).
 */
export class AddSignatureEventAuditFields1798060000001 implements MigrationInterface {
  name = 'AddSignatureEventAuditFields1798060000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE signer.signature_events
        ADD COLUMN caller_kind text NOT NULL DEFAULT 'service',
        ADD COLUMN caller_id text NOT NULL DEFAULT 'unknown',
        ADD COLUMN caller_name text NOT NULL DEFAULT '',
        ADD COLUMN level text NULL,
        ADD COLUMN purpose text NULL,
        ADD COLUMN timestamp_time timestamptz NULL,
        ADD COLUMN signing_session_id uuid NULL,
        ADD COLUMN forwarded_at timestamptz NULL`);
    await q.query(
      'CREATE INDEX signature_events_unforwarded_idx ON signer.signature_events (signed_at) WHERE forwarded_at IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX signer.signature_events_unforwarded_idx');
    await q.query(`
      ALTER TABLE signer.signature_events
        DROP COLUMN caller_kind, DROP COLUMN caller_id, DROP COLUMN caller_name, DROP COLUMN level,
        DROP COLUMN purpose, DROP COLUMN timestamp_time, DROP COLUMN signing_session_id, DROP COLUMN forwarded_at`);
  }
}
