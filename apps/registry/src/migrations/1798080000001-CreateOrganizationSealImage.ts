import { MigrationInterface, QueryRunner } from 'typeorm';

/** The organisation's seal PNG (Decree 30/2020: drawn over the leader's signature), one per organisation. */
export class CreateOrganizationSealImage1798080000001 implements MigrationInterface {
  name = 'CreateOrganizationSealImage1798080000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.organization_seal_image (
        organization_id uuid PRIMARY KEY REFERENCES registry.organization (id) ON DELETE CASCADE,
        png bytea NOT NULL,
        width integer NOT NULL,
        height integer NOT NULL,
        sha256 text NOT NULL,
        uploaded_at timestamptz NOT NULL,
        CONSTRAINT organization_seal_image_size CHECK (octet_length(png) <= 1048576 AND width > 0 AND height > 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.organization_seal_image');
  }
}
