import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the result of a validation is POSTed when it ends (a system's `callbackUrl`), if anywhere. */
export class AddValidationCallback1799040000001 implements MigrationInterface {
  name = 'AddValidationCallback1799040000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE verifier.validation ADD COLUMN callback_url text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE verifier.validation DROP COLUMN callback_url');
  }
}
