import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role the registry service runs as in production (a LOGIN role that is a member of it, see
 * README): it reads and writes registry tables, but on the audit log it may only SELECT and
 * INSERT. Roles are cluster-wide, so creation tolerates one made by another database (or a
 * concurrent migration) and `down` leaves the role in place.
 */
export class CreateRegistryAppRole1796000000100 implements MigrationInterface {
  name = 'CreateRegistryAppRole1796000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE kyso_registry_app NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query('GRANT USAGE ON SCHEMA registry TO kyso_registry_app');
    await q.query('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA registry TO kyso_registry_app');
    await q.query('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA registry TO kyso_registry_app');
    // Tables later migrations create (by the same migrating role) get the same grants.
    await q.query(
      'ALTER DEFAULT PRIVILEGES IN SCHEMA registry GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kyso_registry_app',
    );
    await q.query('ALTER DEFAULT PRIVILEGES IN SCHEMA registry GRANT USAGE, SELECT ON SEQUENCES TO kyso_registry_app');
    await q.query('REVOKE UPDATE, DELETE, TRUNCATE ON registry.audit_event FROM PUBLIC, kyso_registry_app');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER DEFAULT PRIVILEGES IN SCHEMA registry REVOKE ALL ON SEQUENCES FROM kyso_registry_app');
    await q.query('ALTER DEFAULT PRIVILEGES IN SCHEMA registry REVOKE ALL ON TABLES FROM kyso_registry_app');
    await q.query('REVOKE ALL ON ALL SEQUENCES IN SCHEMA registry FROM kyso_registry_app');
    await q.query('REVOKE ALL ON ALL TABLES IN SCHEMA registry FROM kyso_registry_app');
    await q.query('REVOKE ALL ON SCHEMA registry FROM kyso_registry_app');
  }
}
