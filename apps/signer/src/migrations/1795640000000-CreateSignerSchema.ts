import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSignerSchema1795640000000 implements MigrationInterface {
  name = 'CreateSignerSchema1795640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SCHEMA IF NOT EXISTS signer');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA IF EXISTS signer');
  }
}
