import { NaturalBatch } from './natural-batch';

/** A store whose calls are held until released, recording what each call was given. */
function store() {
  const calls: string[][] = [];
  const held: (() => void)[] = [];
  const hold = () => new Promise<void>((r) => held.push(r));
  const batch = new NaturalBatch<number, number>(
    async (items) => {
      calls.push(items.map(String));
      await hold();
      if (items.includes(13)) throw new Error('bad batch');
      return items.map((i) => i * 2);
    },
    async (item) => {
      calls.push([`one ${item}`]);
      await hold();
      if (item === 13) throw new Error('bad 13');
      return item * 2;
    },
    3,
  );
  const release = async () => {
    while (held.length) held.shift()!();
    await new Promise(setImmediate);
  };
  return { batch, calls, release };
}

describe('NaturalBatch', () => {
  it('runs a call alone at once, and those made meanwhile together after it, max at a time', async () => {
    const { batch, calls, release } = store();
    const results = [1, 2, 3, 4, 5].map((i) => batch.run(i));
    expect(calls).toEqual([['one 1']]);
    await release();
    expect(calls).toEqual([['one 1'], ['2', '3', '4']]);
    await release();
    expect(calls).toEqual([['one 1'], ['2', '3', '4'], ['one 5']]);
    await release();
    expect(await Promise.all(results)).toEqual([2, 4, 6, 8, 10]);
  });

  it('runs the items of a failed batch one by one: only the bad one fails', async () => {
    const { batch, calls, release } = store();
    const results = [1, 12, 13, 14].map((i) => batch.run(i).catch((e: Error) => e.message));
    await release();
    await release();
    expect(calls).toEqual([['one 1'], ['12', '13', '14'], ['one 12'], ['one 13'], ['one 14']]);
    await release();
    expect(await Promise.all(results)).toEqual([2, 24, 'bad 13', 28]);
  });
});
