import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who asked for each validation (issue 11): the submitting caller and its organisations. Rows from
 * before have no owner and stay readable by nobody (closed default).
 */
export class RecordValidationOwner1795630000005 implements MigrationInterface {
  name = 'RecordValidationOwner1795630000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE verifier.validation
        ADD COLUMN organization_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN caller_kind text CHECK (caller_kind IN ('system', 'operator', 'service')),
        ADD COLUMN caller_id text`);
    await q.query('CREATE INDEX validation_organization_ids_idx ON verifier.validation USING gin (organization_ids)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX verifier.validation_organization_ids_idx');
    await q.query(
      'ALTER TABLE verifier.validation DROP COLUMN organization_ids, DROP COLUMN caller_kind, DROP COLUMN caller_id',
    );
  }
}
