import { MigrationInterface, QueryRunner } from 'typeorm';

/** Notices to the IT officers of a managing organisation (drafts raised by personnel changes...). */
export class CreateNotification1797000000400 implements MigrationInterface {
  name = 'CreateNotification1797000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        audience text NOT NULL DEFAULT 'it-officer',
        kind text NOT NULL,
        message text NOT NULL,
        change_event_id uuid NULL REFERENCES registry.change_event (id) ON DELETE RESTRICT,
        request_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX notification_organization_idx ON registry.notification (organization_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.notification');
  }
}
