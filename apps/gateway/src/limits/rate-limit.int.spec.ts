import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Clock } from '@kyso/common';
import { RateDecision, RateLimiter } from './rate-limit';

class FixedClock extends Clock {
  constructor(public ms: number) {
    super();
  }
  override now(): Date {
    return new Date(this.ms);
  }
}

/** Real Redis: the limiter's reservations against the counter every instance shares. */
describe('RateLimiter', () => {
  const redis = new IORedis('redis://127.0.0.1:6379');
  const prefix = `kyso:test:rate:${randomBytes(4).toString('hex')}:`;
  const clock = new FixedClock(Date.UTC(2026, 0, 1, 10, 0, 5));
  const evals = jest.spyOn(redis, 'eval');
  afterAll(() => redis.quit());
  beforeEach(() => evals.mockClear());

  const burst = (l: RateLimiter, bucket: string, n: number, limit: number) =>
    Promise.all(Array.from({ length: n }, () => l.hit(bucket, limit)));
  const allowed = (rs: RateDecision[]) => rs.filter((r) => r.allowed).length;

  it('decides as one INCR per hit would, with far fewer round trips, on one instance', async () => {
    const l = new RateLimiter(redis, prefix, clock);
    const got: RateDecision[] = [];
    for (let i = 0; i < 25; i++) got.push(...(await burst(l, 'one', 8, 1000)));
    // 200 hits, counts 1..200 in order: remaining 999..800; a limit of 1000 lets each batch reach 10.
    expect(got.map((r) => (r.allowed ? r.remaining : -1))).toEqual(Array.from({ length: 200 }, (_, i) => 999 - i));
    expect(evals.mock.calls.length).toBeLessThan(40);
    const refused = await burst(l, 'full', 450, 400);
    expect(allowed(refused)).toBe(400);
    expect(refused[400]).toEqual({ allowed: false, retryAfterSec: 55 });
  });

  it('never lets instances sharing Redis exceed the limit together', async () => {
    const a = new RateLimiter(redis, prefix, clock);
    const b = new RateLimiter(redis, prefix, clock);
    const rs: RateDecision[] = [];
    for (let i = 0; i < 40; i++)
      rs.push(...(await Promise.all([burst(a, 'shared', 5, 300), burst(b, 'shared', 5, 300)])).flat());
    // 400 hits for 300: none over; what one reserved and did not use is lost to the other (< 2 × 3).
    expect(allowed(rs)).toBeLessThanOrEqual(300);
    expect(allowed(rs)).toBeGreaterThan(300 - 2 * 3);
  });

  it('counts one by one below 200 per window, and starts again in the next window', async () => {
    const l = new RateLimiter(redis, prefix, clock);
    const rs = await burst(l, 'small', 6, 5);
    expect(allowed(rs)).toBe(5);
    expect(evals).toHaveBeenCalledTimes(6);
    clock.ms += 60_000;
    expect(await l.hit('small', 5)).toEqual({ allowed: true, remaining: 4 });
  });

  it('fails closed when Redis cannot count', async () => {
    const down = new IORedis('redis://127.0.0.1:9', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const l = new RateLimiter(down, prefix, clock);
    await expect(l.hit('down', 100_000)).rejects.toMatchObject({ status: 503, code: 'LIMITS_UNAVAILABLE' });
    down.disconnect();
  });
});
