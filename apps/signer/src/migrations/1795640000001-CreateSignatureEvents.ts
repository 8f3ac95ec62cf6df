import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSignatureEvents1795640000001 implements MigrationInterface {
  name = 'CreateSignatureEvents1795640000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signer.signature_events (
        id uuid PRIMARY KEY,
        certificate_id text NOT NULL,
        certificate_serial text,
        acting_official_id text NOT NULL,
        document_sha256 char(64) NOT NULL,
        signed_document_sha256 char(64),
        signed_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('signed', 'refused')),
        refusal_code text,
        refusal_reason text,
        request_id text,
        CHECK ((outcome = 'signed') = (signed_document_sha256 IS NOT NULL AND refusal_code IS NULL))
      )`);
    await q.query(
      'CREATE INDEX signature_events_certificate_idx ON signer.signature_events (certificate_id, signed_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signer.signature_events');
  }
}
