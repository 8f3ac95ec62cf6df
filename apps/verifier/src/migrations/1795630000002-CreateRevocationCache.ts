import { MigrationInterface, QueryRunner } from 'typeorm';

/** Downloaded CRLs by URL, shared by every worker instance (OCSP answers are nonce'd: not cached). */
export class CreateRevocationCache1795630000002 implements MigrationInterface {
  name = 'CreateRevocationCache1795630000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.crl_cache (
        url text PRIMARY KEY,
        der bytea NOT NULL,
        fetched_at timestamptz NOT NULL,
        this_update timestamptz NOT NULL,
        next_update timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.crl_cache');
  }
}
