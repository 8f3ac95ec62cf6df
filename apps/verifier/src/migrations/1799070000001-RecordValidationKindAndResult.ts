import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The validation history (issue 14.5) and inbound checks (issue 14.1): what kind of check each row is
 * (pdf, cms, inbound), the uploaded file's name, who asked (the caller's display name), the result
 * as one filterable word (the report's conclusion, or accepted/rejected), and an inbound check's
 * decision with its notice. Existing rows were all PDF or CMS checks; CMS rows cannot be told apart
 * any more and stay 'pdf'. Their result is taken from the stored report.
 */
export class RecordValidationKindAndResult1799070000001 implements MigrationInterface {
  name = 'RecordValidationKindAndResult1799070000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE verifier.validation
        ADD COLUMN kind text NOT NULL DEFAULT 'pdf' CHECK (kind IN ('pdf', 'cms', 'inbound')),
        ADD COLUMN file_name text,
        ADD COLUMN caller_name text,
        ADD COLUMN result text,
        ADD COLUMN inbound jsonb`);
    await q.query(`UPDATE verifier.validation SET result = report->>'conclusion' WHERE report IS NOT NULL`);
    await q.query(`UPDATE verifier.validation SET result = 'FAILED' WHERE status = 'failed'`);
    // The history pages newest first by (created_at, id).
    await q.query('CREATE INDEX validation_created_at_id_idx ON verifier.validation (created_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX verifier.validation_created_at_id_idx');
    await q.query(`
      ALTER TABLE verifier.validation
        DROP COLUMN kind, DROP COLUMN file_name, DROP COLUMN caller_name, DROP COLUMN result, DROP COLUMN inbound`);
  }
}
