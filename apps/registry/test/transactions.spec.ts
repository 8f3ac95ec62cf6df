import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../test/support/db';
import { Db, TypeOrmTransactions } from '../src/shared/transactions';

/**
 * The registry's unit of work: domain services call `Transactions.run` and never see a manager;
 * repositories reach the transaction through `Db`. These are the guarantees they rely on.
 */
describe('Transactions and Db (real Postgres)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let tx: TypeOrmTransactions;
  let db: Db;

  const insert = (v: number) => db.query('INSERT INTO t (v) VALUES ($1)', [v]);
  const values = async () => (await ds.query('SELECT v FROM t ORDER BY v')).map((r: { v: number }) => r.v);

  beforeAll(async () => {
    database = await createTestDatabase('kyso_tx');
    ds = new DataSource({ type: 'postgres', url: database.url });
    await ds.initialize();
    tx = new TypeOrmTransactions(ds);
    db = new Db(ds);
  });

  beforeEach(async () => {
    await ds.query('DROP TABLE IF EXISTS t');
    await ds.query('CREATE TABLE t (v int PRIMARY KEY)');
  });

  afterAll(async () => {
    await ds?.destroy();
    await database?.drop();
  });

  it('commits the writes of a run, outer and nested, together', async () => {
    await tx.run(async () => {
      await insert(1);
      await tx.run(() => insert(2));
    });
    expect(await values()).toEqual([1, 2]);
  });

  it('rolls back a nested run with its caller: the nested run joins, it does not commit on its own', async () => {
    await expect(
      tx.run(async () => {
        await tx.run(() => insert(1));
        throw new Error('the fulfilment failed');
      }),
    ).rejects.toThrow('the fulfilment failed');
    expect(await values()).toEqual([]);
  });

  it('gives repositories the run’s manager inside a run and the pool outside', async () => {
    expect(db.inTransaction).toBe(false);
    const inside = await tx.run(async () => {
      const pid = (await db.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid'))[0].pid;
      const again = await tx.run(
        async () => (await db.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid'))[0].pid,
      );
      return { pid, again, inTransaction: db.inTransaction };
    });
    expect(inside.inTransaction).toBe(true);
    expect(inside.again).toBe(inside.pid);
    expect(db.inTransaction).toBe(false);
    await insert(7); // autocommit outside a run
    expect(await values()).toEqual([7]);
  });

  it('keeps parallel runs apart: one rolling back leaves the other committed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = tx.run(async () => {
      await insert(1);
      await gate;
      throw new Error('refused');
    });
    const ok = tx.run(async () => {
      await insert(2);
      release();
    });
    await expect(failing).rejects.toThrow('refused');
    await ok;
    expect(await values()).toEqual([2]);
  });

  it('runs a named statement prepared on the pool outside a run, and in the run (unprepared) inside one', async () => {
    const prepared = { name: 'registry-test-prepared', text: 'SELECT count(*)::int AS n FROM t' };
    const self = (name: string) => ({ name, text: `SELECT name FROM pg_prepared_statements WHERE name = '${name}'` });
    await insert(1);
    expect(await db.named(prepared, [])).toEqual([{ n: 1 }]);
    // Outside a run the statement is prepared by its name on the connection it runs on.
    expect(await db.named(self('registry-test-outside'), [])).toEqual([{ name: 'registry-test-outside' }]);
    const inside = await tx.run(async () => {
      await insert(2);
      // Inside a run: it sees the run's uncommitted row, and is not prepared on that connection.
      return { count: await db.named(prepared, []), self: await db.named(self('registry-test-inside'), []) };
    });
    expect(inside.count).toEqual([{ n: 2 }]);
    expect(inside.self).toEqual([]);
  });
});
