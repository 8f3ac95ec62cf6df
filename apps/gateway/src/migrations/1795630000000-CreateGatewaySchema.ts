import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGatewaySchema1795630000000 implements MigrationInterface {
  name = 'CreateGatewaySchema1795630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SCHEMA IF NOT EXISTS gateway');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA IF EXISTS gateway');
  }
}
