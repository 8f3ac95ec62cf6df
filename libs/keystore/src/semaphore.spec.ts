import { Semaphore } from './semaphore';

describe('Semaphore (session pool permits)', () => {
  it('serves waiters first come, first served', async () => {
    const s = new Semaphore(1);
    await s.acquire(1000);
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => s.acquire(1000).then(() => order.push(n)));
    for (let i = 0; i < 3; i++) {
      s.release();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('does not let a newcomer overtake a queued waiter', async () => {
    const s = new Semaphore(1);
    await s.acquire(1000);
    const first = s.acquire(1000);
    s.release();
    // The permit went to the queued waiter: a newcomer must queue behind it.
    expect(s.available).toBe(0);
    await first;
    const late = s.acquire(10);
    await expect(late).rejects.toMatchObject({ code: 'SESSION_POOL_TIMEOUT' });
  });

  it('gives up after the bounded wait with SESSION_POOL_TIMEOUT and forgets the waiter', async () => {
    const s = new Semaphore(1);
    await s.acquire(1000);
    await expect(s.acquire(5)).rejects.toMatchObject({ code: 'SESSION_POOL_TIMEOUT' });
    expect(s.waiting).toBe(0);
    s.release();
    expect(s.available).toBe(1);
  });
});
