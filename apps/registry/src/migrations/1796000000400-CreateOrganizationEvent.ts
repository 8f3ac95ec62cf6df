import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganizationEvent1796000000400 implements MigrationInterface {
  name = 'CreateOrganizationEvent1796000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.organization_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        type text NOT NULL,
        details jsonb NOT NULL,
        actor jsonb NOT NULL,
        at timestamptz NOT NULL,
        CONSTRAINT organization_event_type_check CHECK (type IN ('renamed', 'moved', 'merged', 'split', 'dissolved'))
      )`);
    await q.query(
      'CREATE INDEX organization_event_organization_id_idx ON registry.organization_event (organization_id, at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.organization_event');
  }
}
