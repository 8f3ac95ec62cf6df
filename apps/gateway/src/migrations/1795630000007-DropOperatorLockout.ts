import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-in is throttled per username and address in Redis; the account-wide lockout is gone. */
export class DropOperatorLockout1795630000007 implements MigrationInterface {
  name = 'DropOperatorLockout1795630000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.operator DROP COLUMN failed_logins, DROP COLUMN locked_until');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE gateway.operator ADD COLUMN failed_logins integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz',
    );
  }
}
