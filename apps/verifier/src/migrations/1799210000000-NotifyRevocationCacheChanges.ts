import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows the API process holds in memory (RevocationCacheChanges). */
const TABLES = ['crl_cache', 'ocsp_cache', 'ca_issuers_cache'];

/**
 * Every change of a revocation cache table (a worker's download, an operator's or a test's
 * UPDATE/DELETE) notifies `verifier_revocation_cache` with the table's name, delivered at commit,
 * so a process holding rows in memory drops that table's rows before it could serve an older one.
 */
export class NotifyRevocationCacheChanges1799210000000 implements MigrationInterface {
  name = 'NotifyRevocationCacheChanges1799210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION verifier.notify_revocation_cache() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('verifier_revocation_cache', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const t of TABLES)
      await q.query(
        `CREATE TRIGGER ${t}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON verifier.${t}
           FOR EACH STATEMENT EXECUTE FUNCTION verifier.notify_revocation_cache()`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await q.query(`DROP TRIGGER ${t}_changed ON verifier.${t}`);
    await q.query('DROP FUNCTION verifier.notify_revocation_cache()');
  }
}
