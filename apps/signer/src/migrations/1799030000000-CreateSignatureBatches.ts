import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing batches (POST /signatures/batches): the batch (who asked, the form's fields, the signing
 * session its items spend) and one row per document, moving pending → signing → done | failed.
 * The documents and signed results are files (KYSO_SIGNER_BATCH_DIR), never rows.
 */
export class CreateSignatureBatches1799030000000 implements MigrationInterface {
  name = 'CreateSignatureBatches1799030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signer.signature_batch (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('pending', 'running', 'done')),
        caller_kind text NOT NULL,
        caller_id text NOT NULL,
        caller jsonb NOT NULL,
        fields jsonb NOT NULL,
        session_token text,
        callback_url text,
        total int NOT NULL CHECK (total > 0),
        request_id text,
        created_at timestamptz NOT NULL,
        finished_at timestamptz,
        expires_at timestamptz,
        CHECK ((status = 'done') = (finished_at IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX signature_batch_expiry_idx ON signer.signature_batch (expires_at) WHERE expires_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE signer.signature_batch_item (
        batch_id uuid NOT NULL REFERENCES signer.signature_batch (id) ON DELETE CASCADE,
        index int NOT NULL CHECK (index >= 0),
        status text NOT NULL CHECK (status IN ('pending', 'signing', 'done', 'failed')),
        file_name text NOT NULL,
        size bigint NOT NULL,
        attempt_id uuid,
        signature_id uuid,
        error jsonb,
        PRIMARY KEY (batch_id, index),
        CHECK ((status = 'done') = (signature_id IS NOT NULL)),
        CHECK ((status = 'failed') = (error IS NOT NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signer.signature_batch_item');
    await q.query('DROP TABLE signer.signature_batch');
  }
}
