import { MigrationInterface, QueryRunner } from 'typeorm';

/** The hash-chained audit log; UNIQUE prev_hash keeps the chain linear (no two entries follow the same one). */
export class CreateAuditEvent1796000000000 implements MigrationInterface {
  name = 'CreateAuditEvent1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.audit_event (
        seq bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor jsonb NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NULL,
        before jsonb NULL,
        after jsonb NULL,
        request_id text NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        CONSTRAINT audit_event_prev_hash_key UNIQUE (prev_hash),
        CONSTRAINT audit_event_hash_format CHECK (hash ~ '^[0-9a-f]{64}$' AND prev_hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query('CREATE INDEX audit_event_entity_idx ON registry.audit_event (entity_type, entity_id)');
    await q.query(`CREATE INDEX audit_event_actor_idx ON registry.audit_event ((actor->>'id'))`);
    await q.query('CREATE INDEX audit_event_at_idx ON registry.audit_event (at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.audit_event');
  }
}
