import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Even the table's owner cannot UPDATE, DELETE or TRUNCATE audit entries while this trigger is
 * enabled. A superuser (or the owner) can still disable or drop the trigger; that is what the hash
 * chain and GET /audit/verify are for.
 */
export class MakeAuditEventAppendOnly1796000000200 implements MigrationInterface {
  name = 'MakeAuditEventAppendOnly1796000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION registry.audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'registry.audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON registry.audit_event
      FOR EACH ROW EXECUTE FUNCTION registry.audit_event_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON registry.audit_event
      FOR EACH STATEMENT EXECUTE FUNCTION registry.audit_event_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER audit_event_no_truncate ON registry.audit_event');
    await q.query('DROP TRIGGER audit_event_no_update_delete ON registry.audit_event');
    await q.query('DROP FUNCTION registry.audit_event_append_only()');
  }
}
