import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganization1770000000100 implements MigrationInterface {
  name = 'CreateOrganization1770000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.organization (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        parent_id uuid NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        address text NULL,
        legal_entity boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organization_code_key UNIQUE (code),
        CONSTRAINT organization_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
      )`);
    await q.query('CREATE INDEX organization_parent_id_idx ON registry.organization (parent_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.organization');
  }
}
