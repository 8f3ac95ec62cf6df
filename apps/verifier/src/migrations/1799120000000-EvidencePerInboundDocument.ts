import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An inbound check keeps one evidence record per attached document (issue 14.3), so a validation may
 * have several; a retried job still records each document once (the insert ignores a second one).
 */
export class EvidencePerInboundDocument1799120000000 implements MigrationInterface {
  name = 'EvidencePerInboundDocument1799120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE verifier.validation_evidence DROP CONSTRAINT validation_evidence_validation_id_key');
    await q.query(
      'ALTER TABLE verifier.validation_evidence ADD CONSTRAINT validation_evidence_validation_document ' +
        'UNIQUE (validation_id, document_sha256)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE verifier.validation_evidence DROP CONSTRAINT validation_evidence_validation_document');
    await q.query(
      'ALTER TABLE verifier.validation_evidence ADD CONSTRAINT validation_evidence_validation_id_key UNIQUE (validation_id)',
    );
  }
}
