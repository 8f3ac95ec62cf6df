import { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';
import { Clock, ProblemError } from '@kyso/common';

/**
 * Count and expiry in one command (one round trip, one reply to parse, instead of MULTI/INCR/
 * PEXPIRE/EXEC); the expiry is set with the window's first hits, the window being in the key.
 * ARGV[2] hits are counted at once (a reservation, see RateLimiter).
 */
const HIT = `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Most counts reserved at once, and at most a hundredth of the limit (what other instances can lose). */
const MAX_BATCH = 64;
const LIMIT_SHARE = 100;
/** A reservation used up within this time was too small: the next one is twice as large. */
const REFILL_MS = 1000;
/** Buckets given an allowance; past this, hits are counted one by one (an address flood must not grow memory). */
const MAX_ALLOWANCES = 10_000;

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSec: number };

/** Counts of one bucket and window this instance has added to Redis ahead of use: next..last are its to hand out. */
interface Allowance {
  window: number;
  next: number;
  last: number;
  /** Size of the next reservation. */
  batch: number;
  reservedAt: number;
  /** A reservation under way: hits meanwhile wait for it rather than reserve their own. */
  pending?: Promise<unknown>;
  waiting: number;
}

/**
 * Fixed-window counters in Redis, so every gateway instance counts against the same limit.
 * If Redis is unreachable the call is refused (503, fail closed): this door guards signing keys
 * and passwords, and unmetered PIN or password guessing is worse than a short outage. Readiness
 * reports Redis, so a load balancer takes the instance out meanwhile; the logout denylist and
 * Idempotency-Key need Redis as well, so failing open here would not keep those calls working.
 *
 * A busy bucket is counted in batches (issue 16.3: a Redis round trip per request was the largest
 * cost of the gateway's own after its I/O): the instance adds n hits to the shared counter at once
 * and hands those counts out, in order, to its next n requests. Every allowed request still holds
 * its own count ≤ the limit in Redis, so no number of instances can exceed the limit; with one
 * instance, decisions and `remaining` are exactly those of one INCR per request. The cost is on the
 * other side: counts an instance reserved and did not use in a window are lost to the others, at
 * most min(64, limit / 100) − 1 per instance, bucket and window (limits under 200 per window are
 * never batched). A batch starts at 1 and grows only while each reservation is used up within a
 * second. Counts already reserved are handed out while Redis is down (at most that batch).
 */
export class RateLimiter {
  private readonly log = new Logger('RateLimiter');
  private readonly allowances = new Map<string, Allowance>();

  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  async hit(bucket: string, limit: number, windowSec = 60): Promise<RateDecision> {
    const windowMs = windowSec * 1000;
    const maxBatch = Math.min(MAX_BATCH, Math.floor(limit / LIMIT_SHARE));
    for (;;) {
      const now = this.clock.now().getTime();
      const window = Math.floor(now / windowMs);
      const a = maxBatch > 1 ? this.allowanceOf(bucket, window) : undefined;
      if (!a) return decide(await this.count(bucket, window, windowMs, 1), limit, window, windowMs, now);
      if (a.next <= a.last) return decide(a.next++, limit, window, windowMs, now);
      if (a.pending) {
        a.waiting++;
        await a.pending.catch(() => undefined);
        a.waiting--;
        continue;
      }
      a.batch = now - a.reservedAt < REFILL_MS ? Math.min(a.batch * 2, maxBatch) : 1;
      const n = Math.min(maxBatch, Math.max(a.batch, a.waiting + 1));
      const reservation = this.count(bucket, window, windowMs, n);
      a.pending = reservation;
      try {
        const top = await reservation;
        a.next = top - n + 1;
        a.last = top;
        a.reservedAt = now;
      } finally {
        a.pending = undefined;
      }
    }
  }

  /** Adds n hits to the bucket's counter of `window`; the new count. */
  private async count(bucket: string, window: number, windowMs: number, n: number): Promise<number> {
    try {
      return Number(await this.redis.eval(HIT, 1, `${this.prefix}rate:${bucket}:${window}`, windowMs + 1000, n));
    } catch (e) {
      throw redisUnavailable(e, this.log, 'rate limit');
    }
  }

  private allowanceOf(bucket: string, window: number): Allowance | undefined {
    const a = this.allowances.get(bucket);
    if (a?.window === window) return a;
    if (!a && this.allowances.size >= MAX_ALLOWANCES) {
      for (const [k, v] of this.allowances) if (v.window !== window) this.allowances.delete(k);
      if (this.allowances.size >= MAX_ALLOWANCES) return undefined;
    }
    const fresh: Allowance = { window, next: 1, last: 0, batch: 1, reservedAt: -Infinity, waiting: 0 };
    this.allowances.set(bucket, fresh);
    return fresh;
  }
}

function decide(count: number, limit: number, window: number, windowMs: number, now: number): RateDecision {
  if (count > limit)
    return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)) };
  return { allowed: true, remaining: limit - count };
}

export const tooManyRequests = (retryAfterSec: number, what: string) =>
  new ProblemError(
    429,
    'RATE_LIMITED',
    'Too many requests',
    `Too many requests for ${what}; retry after ${retryAfterSec} s.`,
    { retryAfter: retryAfterSec },
  );

/**
 * Redis is down: 503 with a hint to retry. The outage is logged once by the dependency monitor
 * (the problem filter reports it), not once per request.
 */
export function redisUnavailable(e: unknown, log: Logger, what: string): ProblemError {
  log.debug(`${what} unavailable (Redis: ${(e as Error).message})`);
  const p = new ProblemError(
    503,
    'LIMITS_UNAVAILABLE',
    'Service unavailable',
    'The gateway cannot check its limits right now; retry shortly.',
    { retryAfter: 5 },
  );
  p.dependency = 'redis';
  p.logDetail = `${what}: ${(e as Error).message}`;
  return p;
}
