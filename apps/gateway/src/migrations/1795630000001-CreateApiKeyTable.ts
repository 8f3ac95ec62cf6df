import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeyTable1795630000001 implements MigrationInterface {
  name = 'CreateApiKeyTable1795630000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        hash text NOT NULL,
        scopes text[] NOT NULL,
        organization_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.api_key');
  }
}
