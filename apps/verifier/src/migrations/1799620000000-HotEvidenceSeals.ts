import { MigrationInterface, QueryRunner } from 'typeorm';

/** The seal trigger's function (1799500000000) before this migration. */
const SEAL_NOTIFY = `
        IF OLD.audit_hash IS NULL AND NEW.audit_hash IS NOT NULL THEN
          PERFORM pg_notify('verifier_evidence', NEW.document_sha256 || ' sealed ' || NEW.id);
        ELSE
          PERFORM pg_notify('verifier_evidence', OLD.document_sha256);
        END IF;`;

/**
 * A record's seal is a HOT update (issue 16.3: the seal's UPDATE was about a third of PostgreSQL's
 * statement time per fast-path validation). The partial index `validation_evidence_unsealed`
 * (created_at WHERE audit_hash IS NULL) named a seal column, so every seal wrote a new version of
 * the row on another page and an entry in each of the table's six indexes (the GIN index of the
 * DER names with them), and left as many dead entries behind.
 *
 * The records waiting for their seal are kept in `evidence_awaiting_seal` instead: a row per
 * record stored unsealed (a statement-level trigger on the INSERT), taken away by the seal's own
 * statement (markSealed), put back by a trigger when an UPDATE clears a record's seal. The
 * maintenance job reads it joined with the records, so an entry whose record was sealed some other
 * way or deleted is skipped (and dropped); a record stored again under a deleted record's id takes
 * over its entry. The table keeps free room on its pages (fillfactor 50)
 * for the sealed version of each row: a HOT update needs it on the same page.
 */
export class HotEvidenceSeals1799620000000 implements MigrationInterface {
  name = 'HotEvidenceSeals1799620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.evidence_awaiting_seal (
        evidence_id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL)`);
    await q.query(`
      INSERT INTO verifier.evidence_awaiting_seal (evidence_id, created_at)
        SELECT id, created_at FROM verifier.validation_evidence WHERE audit_hash IS NULL`);
    await q.query(`
      CREATE FUNCTION verifier.queue_unsealed_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO verifier.evidence_awaiting_seal (evidence_id, created_at)
          SELECT id, created_at FROM stored WHERE audit_hash IS NULL
          -- An entry left by a record deleted without its seal describes the new record of that id.
          ON CONFLICT (evidence_id) DO UPDATE SET created_at = EXCLUDED.created_at;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER validation_evidence_stored_unsealed AFTER INSERT ON verifier.validation_evidence
        REFERENCING NEW TABLE AS stored FOR EACH STATEMENT EXECUTE FUNCTION verifier.queue_unsealed_evidence()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION verifier.notify_evidence_seal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${SEAL_NOTIFY}
        -- A seal cleared (by hand): the record waits for the maintenance job's seal again.
        IF OLD.audit_hash IS NOT NULL AND NEW.audit_hash IS NULL THEN
          INSERT INTO verifier.evidence_awaiting_seal (evidence_id, created_at)
            VALUES (NEW.id, NEW.created_at) ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query('DROP INDEX verifier.validation_evidence_unsealed');
    await q.query('ALTER TABLE verifier.validation_evidence SET (fillfactor = 50)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE verifier.validation_evidence RESET (fillfactor)');
    await q.query(
      'CREATE INDEX validation_evidence_unsealed ON verifier.validation_evidence (created_at) WHERE audit_hash IS NULL',
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION verifier.notify_evidence_seal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${SEAL_NOTIFY}
        RETURN NULL;
      END $$`);
    await q.query('DROP TRIGGER validation_evidence_stored_unsealed ON verifier.validation_evidence');
    await q.query('DROP FUNCTION verifier.queue_unsealed_evidence()');
    await q.query('DROP TABLE verifier.evidence_awaiting_seal');
  }
}
