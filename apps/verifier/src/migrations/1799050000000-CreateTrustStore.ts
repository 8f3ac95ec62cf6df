import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry's trust anchors as last fetched, shared by every verifier instance: validations go
 * on from this copy while the registry is away. `trust_store` is the one row saying which registry
 * version the anchors are and when they were last confirmed; `trust_store_anchor` holds the set.
 */
export class CreateTrustStore1799050000000 implements MigrationInterface {
  name = 'CreateTrustStore1799050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.trust_store (
        id smallint PRIMARY KEY DEFAULT 1 CONSTRAINT trust_store_single_row CHECK (id = 1),
        version bigint NOT NULL,
        changed_at timestamptz NOT NULL,
        fetched_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE verifier.trust_store_anchor (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        sha256 text NOT NULL,
        purpose text NOT NULL CONSTRAINT trust_store_anchor_purpose_check
          CHECK (purpose IN ('document-signing', 'timestamping', 'any')),
        certificate_der bytea NOT NULL,
        version bigint NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.trust_store_anchor');
    await q.query('DROP TABLE verifier.trust_store');
  }
}
