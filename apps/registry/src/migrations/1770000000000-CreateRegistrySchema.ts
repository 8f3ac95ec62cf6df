import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRegistrySchema1770000000000 implements MigrationInterface {
  name = 'CreateRegistrySchema1770000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SCHEMA IF NOT EXISTS registry');
  }

  /** The schema also holds the migrations table itself, so it outlives the migrations: nothing to undo. */
  async down(): Promise<void> {}
}
