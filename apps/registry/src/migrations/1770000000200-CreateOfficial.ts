import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOfficial1770000000200 implements MigrationInterface {
  name = 'CreateOfficial1770000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.official (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        full_name text NOT NULL,
        email text NOT NULL,
        title text NOT NULL,
        organization_id uuid NOT NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        employment_status text NOT NULL DEFAULT 'active',
        roles text[] NOT NULL DEFAULT '{official}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT official_employment_status_check
          CHECK (employment_status IN ('active', 'suspended', 'transferred', 'retired', 'dismissed')),
        CONSTRAINT official_roles_check
          CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['official', 'clerk']::text[])
      )`);
    await q.query('CREATE INDEX official_organization_id_idx ON registry.official (organization_id)');
    await q.query('CREATE INDEX official_email_idx ON registry.official (lower(email))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.official');
  }
}
