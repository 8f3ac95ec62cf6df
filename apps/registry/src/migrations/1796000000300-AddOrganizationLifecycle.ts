import { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisations end (merged, split, dissolved) but are never deleted: certificates and history refer to them. */
export class AddOrganizationLifecycle1796000000300 implements MigrationInterface {
  name = 'AddOrganizationLifecycle1796000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE registry.organization
        ADD COLUMN status text NOT NULL DEFAULT 'active',
        ADD COLUMN ended_at timestamptz NULL,
        ADD COLUMN successor_id uuid NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        ADD CONSTRAINT organization_status_check CHECK (status IN ('active', 'merged', 'split', 'dissolved')),
        ADD CONSTRAINT organization_ended_has_time CHECK ((status = 'active') = (ended_at IS NULL)),
        ADD CONSTRAINT organization_merged_has_successor CHECK (status <> 'merged' OR successor_id IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE registry.organization
        DROP CONSTRAINT organization_merged_has_successor,
        DROP CONSTRAINT organization_ended_has_time,
        DROP CONSTRAINT organization_status_check,
        DROP COLUMN successor_id,
        DROP COLUMN ended_at,
        DROP COLUMN status`);
  }
}
