import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who did each step of a request, and when (the request's own history; the audit log has the rest). */
export class CreateLifecycleRequestStep1797000000100 implements MigrationInterface {
  name = 'CreateLifecycleRequestStep1797000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.lifecycle_request_step (
        id bigserial PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES registry.lifecycle_request (id) ON DELETE CASCADE,
        step text NOT NULL,
        from_status text NULL,
        to_status text NOT NULL,
        actor jsonb NOT NULL,
        note text NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX lifecycle_request_step_request_idx ON registry.lifecycle_request_step (request_id, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.lifecycle_request_step');
  }
}
