import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SystemClock } from '@kyso/common';
import { createTestDatabase } from '../../../test/support/db';
import { migrateVerifier, verifierDataSource } from '../src/data-source';
import { TableChanges } from '../src/table-changes';
import type { CachedCrl } from '../src/revocation/crl-cache';
import { CrlCacheEntity } from '../src/revocation/crl-cache.entity';
import { TypeOrmCrlCache } from '../src/revocation/crl-cache.repository';
import { HeldCache } from '../src/revocation/held-caches';

const URL = 'http://ca.test/held.crl';
const APP = 'kyso-test-held-listen';

/** Polls `check` until it holds (a notification travels asynchronously), 5 s at most. */
async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  expect(await check()).toBe(true);
}

/**
 * The fast path's CRL rows held in memory, against real PostgreSQL: a row written by another
 * connection (a worker's download, an operator's UPDATE) is heard through the migration's trigger
 * and served instead of the held one; a lost listener reads through until it listens again.
 */
describe('revocation cache rows held in memory', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let other: Client;
  let changes: TableChanges;
  let held: HeldCache<CachedCrl>;
  const put = (n: number) =>
    other.query(
      `INSERT INTO verifier.crl_cache (url, der, fetched_at, this_update, next_update) VALUES ($1, $2, now(), now(), NULL)
       ON CONFLICT (url) DO UPDATE SET der = EXCLUDED.der`,
      [URL, Buffer.from([n])],
    );
  const heldDer = async () => (await held.get(URL))?.der[0];

  beforeAll(async () => {
    db = await createTestDatabase('kyso_verifier_held');
    await migrateVerifier(db.url);
    ds = await verifierDataSource(db.url).initialize();
    other = new Client({ connectionString: db.url });
    await other.connect();
    changes = new TableChanges(() => new Client({ connectionString: db.url, application_name: APP }));
    await changes.start();
    held = new HeldCache(
      'crl_cache',
      new TypeOrmCrlCache(ds.getRepository(CrlCacheEntity)),
      changes,
      new SystemClock(),
    );
  });
  afterAll(async () => {
    await changes?.close();
    await other?.end();
    await ds?.destroy();
    await db?.drop();
  });

  it('serves the held row until another connection writes the table, then the new row', async () => {
    const before = changes.generation('crl_cache');
    expect(before).toBeDefined();
    await put(1);
    // The write's own notification comes asynchronously: once heard, nothing else changes the row.
    await eventually(() => changes.generation('crl_cache') !== before);
    const first = await held.get(URL);
    expect(first?.der[0]).toBe(1);
    expect(await held.get(URL)).toBe(first); // held: the same object, no query
    await put(2);
    await eventually(async () => (await heldDer()) === 2);
    await other.query(`UPDATE verifier.crl_cache SET der = '\\x03' WHERE url = $1`, [URL]);
    await eventually(async () => (await heldDer()) === 3);
  });

  it('reads through while its listener is lost, and holds again once it listens again', async () => {
    const before = changes.generation('crl_cache');
    await other.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APP]);
    await eventually(() => changes.generation('crl_cache') === undefined);
    await put(4);
    expect(await heldDer()).toBe(4); // read through: nothing held is served
    await eventually(() => changes.generation('crl_cache') !== undefined);
    expect(changes.generation('crl_cache')).not.toBe(before);
    await put(5);
    await eventually(async () => (await heldDer()) === 5);
  });
});
