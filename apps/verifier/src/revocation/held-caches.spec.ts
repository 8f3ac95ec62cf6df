import type { Clock } from '@kyso/common';
import type { CacheChanges } from '../table-changes';
import type { CachedCrl } from './crl-cache';
import { CrlCache } from './crl-cache.repository';
import { HELD_MAX_AGE_MS, HeldCache } from './held-caches';

const URL = 'http://ca.test/sub.crl';

/** The shared table: counts reads, answers the row it holds now. */
class Table extends CrlCache {
  reads = 0;
  row?: CachedCrl;
  /** Runs during the next read (a change arriving meanwhile). */
  duringRead?: () => void;
  async get(): Promise<CachedCrl | undefined> {
    this.reads++;
    const row = this.row;
    this.duringRead?.();
    this.duringRead = undefined;
    return row;
  }
  async put(crl: CachedCrl): Promise<void> {
    this.row = crl;
  }
}

const crl = (n: number): CachedCrl => ({
  url: URL,
  der: new Uint8Array([n]),
  fetchedAt: new Date(0),
  thisUpdate: new Date(0),
  nextUpdate: null,
});

describe('HeldCache (CRLs)', () => {
  let now: number;
  let generation: number | undefined;
  let table: Table;
  let held: HeldCache<CachedCrl>;
  const clock: Clock = { now: () => new Date(now) };
  const changes: CacheChanges = { generation: () => generation };

  beforeEach(() => {
    now = 1_000_000;
    generation = 1;
    table = new Table();
    table.row = crl(1);
    held = new HeldCache('crl_cache', table, changes, clock);
  });

  it('serves the row read before, the same object, while no change was heard', async () => {
    const first = await held.get(URL);
    expect(await held.get(URL)).toBe(first);
    expect(table.reads).toBe(1);
  });

  it('reads again once a change of the table was heard, and serves the newer row', async () => {
    await held.get(URL);
    table.row = crl(2);
    generation = 2;
    expect((await held.get(URL))?.der).toEqual(new Uint8Array([2]));
    expect(table.reads).toBe(2);
  });

  it('reads again after the maximum age, changes heard or not', async () => {
    await held.get(URL);
    table.row = crl(2);
    now += HELD_MAX_AGE_MS;
    expect((await held.get(URL))?.der).toEqual(new Uint8Array([2]));
  });

  it('reads through while changes cannot be heard (listener not connected)', async () => {
    generation = undefined;
    await held.get(URL);
    table.row = crl(2);
    expect((await held.get(URL))?.der).toEqual(new Uint8Array([2]));
    expect(table.reads).toBe(2);
  });

  it('does not serve a row read while a change was heard (it may be the older one)', async () => {
    table.duringRead = () => (generation = 2);
    await held.get(URL);
    table.row = crl(2);
    expect((await held.get(URL))?.der).toEqual(new Uint8Array([2]));
  });

  it('holds no miss', async () => {
    table.row = undefined;
    expect(await held.get(URL)).toBeUndefined();
    table.row = crl(3);
    expect((await held.get(URL))?.der).toEqual(new Uint8Array([3]));
  });
});
