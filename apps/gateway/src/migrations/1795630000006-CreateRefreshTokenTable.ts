import { MigrationInterface, QueryRunner } from 'typeorm';

/** Refresh tokens (hashed), one family per login: reusing a spent one revokes the family. */
export class CreateRefreshTokenTable1795630000006 implements MigrationInterface {
  name = 'CreateRefreshTokenTable1795630000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL,
        operator_id uuid NOT NULL REFERENCES gateway.operator(id) ON DELETE CASCADE,
        hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query('CREATE INDEX refresh_token_family ON gateway.refresh_token (family_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.refresh_token');
  }
}
