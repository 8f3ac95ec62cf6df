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
  it('seals in the order records were kept, what arrived during a seal together in the next event', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, 1000, 100, 0);
    sealer.add(record('a'));
    sealer.add(record('b'));
    sealer.add(record('c'));
    await settle(seals, sealer);
    sealer.add(record('d'));
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('puts at most `batch` records in one event', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, 1000, 2, 0);
    for (const id of ['a', 'b', 'c', 'd', 'e']) sealer.add(record(id));
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('leaves the records in hand to the maintenance job once a seal fails, and seals again later', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, 1000, 100, 0);
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
    const sealer = new EvidenceSealer(seals, 2, 100, 0);
    for (const id of ['a', 'b', 'c', 'd']) sealer.add(record(id));
    await settle(seals, sealer);
    // 'a' is taken at once, then two wait: 'd' finds the queue full.
    expect(seals.asked).toEqual([['a'], ['b', 'c']]);
  });

  it('waits the linger before the first seal, so records kept meanwhile share its event', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, 1000, 100, 30);
    sealer.add(record('a'));
    await new Promise((ok) => setTimeout(ok, 5));
    sealer.add(record('b'));
    expect(seals.asked).toEqual([]);
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a', 'b']]);
  });

  it('starts a seal before the linger ends once `batch` records wait', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, 1000, 2, 60_000);
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
    const sealer = new EvidenceSealer(seals, 1000, 100, 60_000);
    sealer.add(record('a'));
    sealer.add(record('b'));
    const started = Date.now();
    await settle(seals, sealer);
    expect(seals.asked).toEqual([['a', 'b']]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('starts the next seal a linger after the previous one started, not as soon as it ends', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, 1000, 2, 60_000);
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
});
