import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per signature an evidence record shows TOTAL-PASSED, indexed by document, signature and
 * judged time, so the earliest proof of each signature is found through the index (issue 16.3:
 * expanding every record's signatures made the query grow with each validation of the same
 * document). Derived from the record's `signatures` in the statement that stores it, deleted with
 * it. Only a selection aid: the proof itself is read from the record, whose hash is checked.
 */
export class IndexEvidenceProofs1799250000000 implements MigrationInterface {
  name = 'IndexEvidenceProofs1799250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.validation_evidence_proof (
        evidence_id uuid NOT NULL REFERENCES verifier.validation_evidence (id) ON DELETE CASCADE,
        document_sha256 text NOT NULL,
        signature_sha256 text NOT NULL,
        judged_at timestamptz NOT NULL,
        validated_at timestamptz NOT NULL
      )`);
    await q.query(`
      INSERT INTO verifier.validation_evidence_proof
        SELECT e.id, e.document_sha256, s->>'signatureSha256', (s->>'judgedAt')::timestamptz, e.validated_at
          FROM verifier.validation_evidence e, jsonb_array_elements(e.signatures) s
         WHERE s->>'totalPassed' = 'true'`);
    await q.query(
      `CREATE INDEX validation_evidence_proof_earliest ON verifier.validation_evidence_proof
         (document_sha256, signature_sha256, judged_at, validated_at)`,
    );
    await q.query(
      'CREATE INDEX validation_evidence_proof_evidence ON verifier.validation_evidence_proof (evidence_id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.validation_evidence_proof');
  }
}
