import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateVerifierSchema1795630000000 implements MigrationInterface {
  name = 'CreateVerifierSchema1795630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SCHEMA IF NOT EXISTS verifier');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA IF EXISTS verifier');
  }
}
