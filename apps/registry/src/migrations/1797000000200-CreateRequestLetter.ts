import { MigrationInterface, QueryRunner } from 'typeorm';

/** The signed request letter (PDF) to the CA, one per request (re-signing replaces it). */
export class CreateRequestLetter1797000000200 implements MigrationInterface {
  name = 'CreateRequestLetter1797000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.request_letter (
        request_id uuid PRIMARY KEY REFERENCES registry.lifecycle_request (id) ON DELETE CASCADE,
        pdf bytea NOT NULL,
        signed_by_official_id uuid NOT NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        certificate_id uuid NOT NULL REFERENCES registry.certificate (id) ON DELETE RESTRICT,
        signature_id text NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.request_letter');
  }
}
