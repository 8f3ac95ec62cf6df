import { MigrationInterface, QueryRunner } from 'typeorm';

/** Personnel changes (retirement, resignation, transfer, death) and organisation changes that raised drafts. */
export class CreateChangeEvent1797000000300 implements MigrationInterface {
  name = 'CreateChangeEvent1797000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.change_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        category text NOT NULL,
        kind text NOT NULL,
        official_id uuid NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        organization_ids uuid[] NOT NULL DEFAULT '{}',
        new_organization_id uuid NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        effective_date date NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        recorded_by jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT change_event_category_check CHECK (category IN ('personnel', 'organization')),
        CONSTRAINT change_event_kind_check CHECK (
          (category = 'personnel' AND kind IN ('retirement', 'resignation', 'transfer', 'death') AND official_id IS NOT NULL)
          OR (category = 'organization' AND kind IN ('rename', 'merge', 'split', 'dissolve') AND cardinality(organization_ids) >= 1))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.change_event');
  }
}
