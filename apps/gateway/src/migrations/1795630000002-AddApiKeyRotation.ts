import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rotation: the old key names its successor; who created a key is kept for the admin listing. */
export class AddApiKeyRotation1795630000002 implements MigrationInterface {
  name = 'AddApiKeyRotation1795630000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE gateway.api_key ADD COLUMN replaced_by uuid REFERENCES gateway.api_key(id), ADD COLUMN created_by text`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.api_key DROP COLUMN replaced_by, DROP COLUMN created_by');
  }
}
