import { MigrationInterface, QueryRunner } from 'typeorm';

/** AIA caIssuers downloads by URL (missing intermediates), shared by every worker instance. */
export class CreateCaIssuersCache1795630000004 implements MigrationInterface {
  name = 'CreateCaIssuersCache1795630000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.ca_issuers_cache (
        url text PRIMARY KEY,
        body bytea NOT NULL,
        fetched_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.ca_issuers_cache');
  }
}
