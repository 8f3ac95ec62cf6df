import { FixedClock } from '@kyso/common';
import type { EvidenceRecord } from './evidence-record';
import { EvidenceSealer } from './evidence-sealer';

const record = (id: string) => ({ id }) as EvidenceRecord;

/** A registry stand-in: records each event's records, answers when the test lets it, says whether it took them. */
class Seals {
  readonly asked: string[][] = [];
  up = true;
  private release: (() => void)[] = [];

  async sealAll(records: readonly EvidenceRecord[]): Promise<boolean> {
    this.asked.push(records.map((r) => r.id));
    await new Promise<void>((ok) => this.release.push(ok));
    return this.up;
  }

  /** Lets every event asked so far answer. */
  answer(): void {
    for (const ok of this.release.splice(0)) ok();
  }
}

/** Answers events until the sealer is idle. */
async function settle(seals: Seals, sealer: EvidenceSealer): Promise<void> {
  let done = false;
  const idle = sealer.idle().then(() => (done = true));
  while (!done) {
    seals.answer();
    await new Promise((ok) => setImmediate(ok));
  }
  await idle;
}

describe('EvidenceSealer', () => {
  let clock: FixedClock;
  beforeEach(() => (clock = new FixedClock('2026-01-01T00:00:00Z')));

  it('seals in the order records were kept, what arrived during a seal together in the next event', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 100, lingerMs: 0 });
    sealer.add(record('a'));
    sealer.add(record('b'));
    sealer.add(record('c'));
    await settle(seals, sealer);
    sealer.add(record('d'));
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('holds only what the seal event needs of a waiting record, not the record (its report, DERs)', async () => {
    let given: readonly object[] = [];
    const sealer = new EvidenceSealer({ sealAll: async (records) => ((given = records), true) }, clock, {
      lingerMs: 0,
    });
    const validatedAt = new Date('2026-01-01T00:00:00Z');
    const full = {
      id: 'a',
      validationId: 'v',
      documentSha256: 'AB',
      validatedAt,
      recordSha256: 'CD',
      report: { signatures: [] },
      material: { certificates: [] },
      signatures: [],
    } as unknown as EvidenceRecord;
    sealer.add(full);
    await sealer.idle();
    expect(given).toEqual([{ id: 'a', validationId: 'v', documentSha256: 'AB', validatedAt, recordSha256: 'CD' }]);
  });

  it('puts at most `batch` records in one event', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 2, lingerMs: 0 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) sealer.add(record(id));
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('leaves the records in hand to the maintenance job once a seal fails, and seals again later', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 100, lingerMs: 0 });
    seals.up = false;
    for (const id of ['a', 'b', 'c']) sealer.add(record(id));
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a']]); // b and c stay unsealed in the database
    seals.up = true;
    sealer.add(record('d'));
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a'], ['d']]);
  });

  it('holds at most maxWaiting records; the rest wait in the database', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 2, batch: 100, lingerMs: 0 });
    for (const id of ['a', 'b', 'c', 'd']) sealer.add(record(id));
    await settle(seals, sealer);
    // 'a' is taken at once, then two wait: 'd' finds the queue full.
    expect(seals.asked).toEqual([['a'], ['b', 'c']]);
  });

  it('waits the linger before the first seal, so records kept meanwhile share its event', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 100, lingerMs: 60_000 });
    sealer.add(record('a'));
    clock.advance(59_999);
    for (let i = 0; i < 5; i++) await new Promise((ok) => setImmediate(ok));
    sealer.add(record('b'));
    expect(seals.asked).toEqual([]);
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a', 'b']]);
  });

  it('starts a seal before the linger ends once `batch` records wait', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 2, lingerMs: 60_000 });
    sealer.add(record('a'));
    await new Promise((ok) => setImmediate(ok));
    expect(seals.asked).toEqual([]);
    sealer.add(record('b'));
    await new Promise((ok) => setImmediate(ok));
    expect(seals.asked).toEqual([['a', 'b']]);
    await settle(seals, sealer);
  });

  it('seals what is in hand at once when asked to be idle (shutdown, tests), not after the linger', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 100, lingerMs: 60_000 });
    sealer.add(record('a'));
    sealer.add(record('b'));
    await settle(seals, sealer); // the linger is a minute of a clock that does not move: only idle() ends it
    expect(seals.asked).toEqual([['a', 'b']]);
  });

  it('starts the next seal a linger after the previous one started, not as soon as it ends', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 2, lingerMs: 60_000 });
    sealer.add(record('a'));
    sealer.add(record('b')); // a full batch: sealed at once
    await new Promise((ok) => setImmediate(ok));
    sealer.add(record('c')); // kept during that seal
    seals.answer();
    for (let i = 0; i < 5; i++) await new Promise((ok) => setImmediate(ok));
    expect(seals.asked).toEqual([['a', 'b']]); // c lingers
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a', 'b'], ['c']]);
  });

  it('measures the linger on the injected clock: a seal that outlasts it is followed by the next at once', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, clock, { maxWaiting: 1000, batch: 2, lingerMs: 60_000 });
    sealer.add(record('a'));
    sealer.add(record('b')); // a full batch: sealed at once
    await new Promise((ok) => setImmediate(ok));
    sealer.add(record('c')); // kept during that seal
    clock.advance(60_000); // the seal took the whole linger
    seals.answer();
    for (let i = 0; i < 5; i++) await new Promise((ok) => setImmediate(ok));
    expect(seals.asked).toEqual([['a', 'b'], ['c']]);
    await settle(seals, sealer);
  });
});
