import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One counter for the whole trust-anchor set, bumped in the same transaction as every add,
 * disable, enable and removal: the verifier asks for it cheaply and refetches only when it moved.
 */
export class CreateTrustStoreVersion1799050000000 implements MigrationInterface {
  name = 'CreateTrustStoreVersion1799050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.trust_store_version (
        id smallint PRIMARY KEY DEFAULT 1 CONSTRAINT trust_store_version_single_row CHECK (id = 1),
        version bigint NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('INSERT INTO registry.trust_store_version (id, version) VALUES (1, 1)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.trust_store_version');
  }
}
