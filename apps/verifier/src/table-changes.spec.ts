import { EventEmitter } from 'node:events';
import type { Client } from 'pg';
import { FixedClock } from '@kyso/common';
import { HeldCache } from './revocation/held-caches';
import { REVOCATION_CACHE_CHANNEL, TableChanges } from './table-changes';

/** A LISTEN connection stand-in: connects at once; the test sends notifications and drops it. */
class FakeListener extends EventEmitter {
  async connect(): Promise<void> {}
  async query(): Promise<void> {}
  async end(): Promise<void> {}

  notify(table: string): void {
    this.emit('notification', { channel: REVOCATION_CACHE_CHANNEL, payload: table });
  }
}

/** TableChanges over fake connections that reconnects at once; `current()` is the one in use. */
function listening() {
  const clients: FakeListener[] = [];
  const changes = new TableChanges(() => {
    clients.push(new FakeListener());
    return clients[clients.length - 1] as unknown as Client;
  }, 0);
  return { changes, current: () => clients[clients.length - 1] };
}

/** Lets the fake connection's steps and the reconnection timer run, until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((ok) => setTimeout(ok, 0));
  expect(check()).toBe(true);
}

describe('TableChanges', () => {
  it('gives a table a new generation at each of its changes heard, and leaves the others as they are', async () => {
    const { changes, current } = listening();
    await changes.start();
    const crl = changes.generation('crl_cache');
    const ocsp = changes.generation('ocsp_cache');
    expect(crl).toBeDefined();
    current().notify('crl_cache');
    const crl1 = changes.generation('crl_cache');
    current().notify('crl_cache');
    expect(new Set([crl, crl1, changes.generation('crl_cache')]).size).toBe(3);
    expect(changes.generation('ocsp_cache')).toBe(ocsp);
    await changes.close();
  });

  it('never gives back a generation or an epoch seen before a reconnection, whatever was heard on either side', async () => {
    const { changes, current } = listening();
    await changes.start();
    const seen = { crl_cache: [] as number[], ocsp_cache: [] as number[], epoch: [] as number[] };
    const look = () => {
      seen.crl_cache.push(changes.generation('crl_cache')!);
      seen.ocsp_cache.push(changes.generation('ocsp_cache')!);
      seen.epoch.push(changes.epoch()!);
    };
    // Each connection hears a different number of changes of each table: a pair (connection,
    // changes) encoded in one number would meet another pair somewhere along these.
    for (let connection = 0; connection < 4; connection++) {
      look();
      for (let i = 0; i < 3 - connection; i++) {
        current().notify('crl_cache');
        look();
      }
      for (let i = 0; i < connection; i++) {
        current().notify('ocsp_cache');
        look();
      }
      const lost = current();
      lost.emit('end');
      expect(changes.generation('crl_cache')).toBeUndefined();
      expect(changes.epoch()).toBeUndefined();
      await until(() => changes.epoch() !== undefined && current() !== lost);
    }
    look();
    // A table's generation changes only forward: no state repeats an earlier one's.
    for (const values of [seen.crl_cache, seen.ocsp_cache, seen.epoch])
      expect(values.filter((v, i) => i > 0 && v < values[i - 1])).toEqual([]);
    expect(new Set(seen.epoch).size).toBe(5);
    expect(new Set(seen.crl_cache).size).toBe(5 + 3 + 2 + 1);
    expect(new Set(seen.ocsp_cache).size).toBe(5 + 1 + 2 + 3);
    await changes.close();
  });

  it('lets a held revocation cache serve nothing after a reconnection that it held before', async () => {
    const { changes, current } = listening();
    await changes.start();
    let stored = 1;
    let reads = 0;
    const inner = { get: async () => (reads++, { n: stored }), put: async () => undefined };
    const held = new HeldCache('crl_cache', inner, changes, new FixedClock('2026-01-01T00:00:00Z'));
    current().notify('crl_cache'); // a change in this connection: the reconnection must still tell
    const first = await held.get('k');
    expect(await held.get('k')).toBe(first);
    expect(reads).toBe(1);
    const lost = current();
    lost.emit('end');
    stored = 2; // written while nothing was heard
    expect((await held.get('k'))?.n).toBe(2); // read through
    await until(() => changes.epoch() !== undefined && current() !== lost);
    const after = await held.get('k');
    expect(after).not.toBe(first);
    expect(after?.n).toBe(2);
    expect(reads).toBe(3);
    await changes.close();
  });
});
