import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What proved the certificates good when a document was signed or extended (R18): the paths and
 * the CRL/OCSP answers (DER, base64 in JSON arrays), the level made and its timestamp time.
 */
export class CreateSigningEvidence1798040000001 implements MigrationInterface {
  name = 'CreateSigningEvidence1798040000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signer.signing_evidence (
        id uuid PRIMARY KEY,
        signature_event_id uuid REFERENCES signer.signature_events (id),
        operation text NOT NULL CHECK (operation IN ('sign', 'extend')),
        level text NOT NULL CHECK (level IN ('B-B', 'B-T', 'B-LT', 'B-LTA')),
        document_sha256 char(64) NOT NULL,
        result_sha256 char(64) NOT NULL,
        timestamp_time timestamptz,
        certificates jsonb NOT NULL,
        crls jsonb NOT NULL,
        ocsps jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        request_id text,
        CHECK ((operation = 'sign') = (signature_event_id IS NOT NULL))
      )`);
    await q.query('CREATE UNIQUE INDEX signing_evidence_event_idx ON signer.signing_evidence (signature_event_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signer.signing_evidence');
  }
}
