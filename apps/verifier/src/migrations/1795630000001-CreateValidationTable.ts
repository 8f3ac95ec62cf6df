import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateValidationTable1795630000001 implements MigrationInterface {
  name = 'CreateValidationTable1795630000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.validation (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        document bytea,
        document_sha256 text NOT NULL,
        report jsonb,
        error_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.validation');
  }
}
