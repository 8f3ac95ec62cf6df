import type { EvidenceRecord } from './evidence-record';
import { EvidenceSealer } from './evidence-sealer';

const record = (id: string) => ({ id }) as EvidenceRecord;

/** A registry stand-in: answers each seal when told, and says whether it took it. */
class Seals {
  readonly asked: string[] = [];
  up = true;
  async seal(r: EvidenceRecord): Promise<boolean> {
    this.asked.push(r.id);
    await new Promise((ok) => setImmediate(ok));
    return this.up;
  }
}

describe('EvidenceSealer', () => {
  it('seals records one after the other, in the order they were kept, also those added meanwhile', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals);
    sealer.add(record('a'));
    sealer.add(record('b'));
    await new Promise((ok) => setImmediate(ok));
    sealer.add(record('c'));
    await sealer.idle();
    expect(seals.asked).toEqual(['a', 'b', 'c']);
  });

  it('leaves the records in hand to the maintenance job once a seal fails, and seals again later', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals);
    seals.up = false;
    for (const id of ['a', 'b', 'c']) sealer.add(record(id));
    await sealer.idle();
    expect(seals.asked).toEqual(['a']); // b and c stay unsealed in the database
    seals.up = true;
    sealer.add(record('d'));
    await sealer.idle();
    expect(seals.asked).toEqual(['a', 'd']);
  });

  it('holds at most maxWaiting records; the rest wait in the database', async () => {
    const seals = new Seals();
    const sealer = new EvidenceSealer(seals, 2);
    for (const id of ['a', 'b', 'c', 'd']) sealer.add(record(id));
    await sealer.idle();
    // 'a' is taken at once, then two wait: 'd' finds the queue full.
    expect(seals.asked).toEqual(['a', 'b', 'c']);
  });
});
