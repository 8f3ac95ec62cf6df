import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOperatorTable1795630000003 implements MigrationInterface {
  name = 'CreateOperatorTable1795630000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.operator (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE CHECK (username = lower(username)),
        display_name text NOT NULL,
        password_hash text NOT NULL,
        official_id uuid,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.operator');
  }
}
