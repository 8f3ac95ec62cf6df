import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTrustAnchor1770000000500 implements MigrationInterface {
  name = 'CreateTrustAnchor1770000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.trust_anchor (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        sha256 text NOT NULL,
        subject text NOT NULL,
        certificate_der bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT trust_anchor_sha256_key UNIQUE (sha256),
        CONSTRAINT trust_anchor_sha256_format CHECK (sha256 ~ '^[0-9A-F]{64}$')
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.trust_anchor');
  }
}
