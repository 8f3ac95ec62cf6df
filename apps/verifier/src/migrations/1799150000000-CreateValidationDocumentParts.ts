import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A big document is stored as its first slice in the validation row and the rest as part rows
 * (issue 16.3): appending to the row's bytea (`document || $2`) rewrote the whole value at every
 * slice, quadratic in the size. STORAGE EXTERNAL: PDFs hardly compress, so no time is spent trying.
 */
export class CreateValidationDocumentParts1799150000000 implements MigrationInterface {
  name = 'CreateValidationDocumentParts1799150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.validation_document_part (
        validation_id uuid NOT NULL REFERENCES verifier.validation (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (validation_id, seq)
      )`);
    await q.query('ALTER TABLE verifier.validation_document_part ALTER COLUMN bytes SET STORAGE EXTERNAL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.validation_document_part');
  }
}
