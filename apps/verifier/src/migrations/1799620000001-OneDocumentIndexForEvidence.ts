import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One index entry less per evidence record stored (issue 16.3): the unique constraint of a
 * validation's record per document (1799120000000) is kept on (document_sha256, validation_id)
 * instead of (validation_id, document_sha256), so it serves the lookups by document
 * (`forDocument`) that had an index of their own, `validation_evidence_document`, now dropped. The
 * same pairs are unique (the constraint keeps its name); no query looks records up by validation.
 */
export class OneDocumentIndexForEvidence1799620000001 implements MigrationInterface {
  name = 'OneDocumentIndexForEvidence1799620000001';

  async up(q: QueryRunner): Promise<void> {
    await swap(q, 'document_sha256, validation_id');
    await q.query('DROP INDEX verifier.validation_evidence_document');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX validation_evidence_document ON verifier.validation_evidence (document_sha256)');
    await swap(q, 'validation_id, document_sha256');
  }
}

/** The unique constraint validation_evidence_validation_document over `columns`, in that order. */
async function swap(q: QueryRunner, columns: string): Promise<void> {
  await q.query(`CREATE UNIQUE INDEX validation_evidence_unique_next ON verifier.validation_evidence (${columns})`);
  await q.query('ALTER TABLE verifier.validation_evidence DROP CONSTRAINT validation_evidence_validation_document');
  await q.query(
    'ALTER TABLE verifier.validation_evidence ADD CONSTRAINT validation_evidence_validation_document ' +
      'UNIQUE USING INDEX validation_evidence_unique_next',
  );
}
