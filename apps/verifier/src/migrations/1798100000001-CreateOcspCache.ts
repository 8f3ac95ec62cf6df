import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OCSP answers shared by every verifier instance, by responder URL and request (a request without
 * a nonce names only the CertID, so one answer serves every validation of that certificate).
 */
export class CreateOcspCache1798100000001 implements MigrationInterface {
  name = 'CreateOcspCache1798100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verifier.ocsp_cache (
        request_key text PRIMARY KEY,
        url text NOT NULL,
        der bytea NOT NULL,
        fetched_at timestamptz NOT NULL,
        next_update timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verifier.ocsp_cache');
  }
}
