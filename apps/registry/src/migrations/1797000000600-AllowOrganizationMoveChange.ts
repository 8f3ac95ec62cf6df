import { MigrationInterface, QueryRunner } from 'typeorm';

/** An organisation moved under another parent is a change event too (its units' certificates name the old tree). */
export class AllowOrganizationMoveChange1797000000600 implements MigrationInterface {
  name = 'AllowOrganizationMoveChange1797000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE registry.change_event DROP CONSTRAINT change_event_kind_check');
    await q.query(`
      ALTER TABLE registry.change_event ADD CONSTRAINT change_event_kind_check CHECK (
        (category = 'personnel' AND kind IN ('retirement', 'resignation', 'transfer', 'death') AND official_id IS NOT NULL)
        OR (category = 'organization' AND kind IN ('rename', 'move', 'merge', 'split', 'dissolve') AND cardinality(organization_ids) >= 1))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE registry.change_event DROP CONSTRAINT change_event_kind_check');
    await q.query(`
      ALTER TABLE registry.change_event ADD CONSTRAINT change_event_kind_check CHECK (
        (category = 'personnel' AND kind IN ('retirement', 'resignation', 'transfer', 'death') AND official_id IS NOT NULL)
        OR (category = 'organization' AND kind IN ('rename', 'merge', 'split', 'dissolve') AND cardinality(organization_ids) >= 1))`);
  }
}
