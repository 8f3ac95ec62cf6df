import { MigrationInterface, QueryRunner } from 'typeorm';

/** The handwritten-signature PNG, apart from the official's row so lists stay light. */
export class CreateOfficialSignatureImage1796000000600 implements MigrationInterface {
  name = 'CreateOfficialSignatureImage1796000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.official_signature_image (
        official_id uuid PRIMARY KEY REFERENCES registry.official (id) ON DELETE CASCADE,
        png bytea NOT NULL,
        width integer NOT NULL,
        height integer NOT NULL,
        sha256 text NOT NULL,
        uploaded_at timestamptz NOT NULL,
        CONSTRAINT official_signature_image_size CHECK (octet_length(png) <= 1048576 AND width > 0 AND height > 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.official_signature_image');
  }
}
