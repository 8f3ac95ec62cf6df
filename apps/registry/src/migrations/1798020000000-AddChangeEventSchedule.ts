import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A personnel change takes effect on its effective date (issue 11.8): one dated in the future waits
 * as `scheduled` (a delayed job applies it, or a cancel ends it). Earlier events were applied at once.
 * `managing_organization_ids` scopes a scheduled change in the pending report before it has drafts.
 */
export class AddChangeEventSchedule1798020000000 implements MigrationInterface {
  name = 'AddChangeEventSchedule1798020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry.change_event
      ADD COLUMN status text NOT NULL DEFAULT 'applied' CHECK (status IN ('scheduled', 'applied', 'cancelled')),
      ADD COLUMN applied_at timestamptz NULL,
      ADD COLUMN cancelled_at timestamptz NULL,
      ADD COLUMN cancelled_by jsonb NULL,
      ADD COLUMN managing_organization_ids uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(
      "CREATE INDEX change_event_scheduled_idx ON registry.change_event (effective_date) WHERE status = 'scheduled'",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX registry.change_event_scheduled_idx');
    await q.query(`ALTER TABLE registry.change_event DROP COLUMN status, DROP COLUMN applied_at,
      DROP COLUMN cancelled_at, DROP COLUMN cancelled_by, DROP COLUMN managing_organization_ids`);
  }
}
