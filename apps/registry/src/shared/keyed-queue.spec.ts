import { KeyedQueue } from './keyed-queue';

describe('KeyedQueue', () => {
  it('runs work of one key one at a time, in order, and other keys alongside', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}>`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`<${name}`);
      return name;
    };
    const results = await Promise.all([
      q.run('a', step('a1', 20)),
      q.run('a', step('a2', 1)),
      q.run('b', step('b1', 1)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('<a1')).toBeLessThan(log.indexOf('a2>'));
    expect(log.indexOf('b1>')).toBeLessThan(log.indexOf('<a1'));
  });

  it('keeps going after a failure and forgets idle keys', async () => {
    const q = new KeyedQueue();
    await expect(q.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run('a', async () => 2)).toBe(2);
    await new Promise((r) => setImmediate(r));
    expect((q as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });
});
