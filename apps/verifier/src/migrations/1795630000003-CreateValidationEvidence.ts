import { MigrationInterface, QueryRunner } from 'typeorm';

/** The verifier's own evidence of each finished validation (issue 10), sealed by the registry's audit chain. */
export class CreateValidationEvidence1795630000003 implements MigrationInterface {
  name = 'CreateValidationEvidence1795630000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.validation_evidence (
        id uuid PRIMARY KEY,
        validation_id uuid NOT NULL UNIQUE,
        document_sha256 text NOT NULL,
        validated_at timestamptz NOT NULL,
        signatures jsonb NOT NULL,
        material jsonb NOT NULL,
        report jsonb NOT NULL,
        record_sha256 text NOT NULL,
        audit_seq text,
        audit_hash text,
        sealed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX validation_evidence_document ON verifier.validation_evidence (document_sha256)');
    await q.query('CREATE INDEX validation_evidence_validated_at ON verifier.validation_evidence (validated_at)');
    await q.query(
      'CREATE INDEX validation_evidence_unsealed ON verifier.validation_evidence (created_at) WHERE audit_hash IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.validation_evidence');
  }
}
