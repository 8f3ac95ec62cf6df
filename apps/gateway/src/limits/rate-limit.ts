import { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';
import { Clock, ProblemError } from '@kyso/common';

/**
 * Count and expiry in one command (one round trip, one reply to parse, instead of MULTI/INCR/
 * PEXPIRE/EXEC); the expiry is set with the window's first hit, the window being in the key.
 */
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSec: number };

/**
 * Fixed-window counters in Redis, so every gateway instance counts against the same limit.
 * If Redis is unreachable the call is refused (503, fail closed): this door guards signing keys
 * and passwords, and unmetered PIN or password guessing is worse than a short outage. Readiness
 * reports Redis, so a load balancer takes the instance out meanwhile; the logout denylist and
 * Idempotency-Key need Redis as well, so failing open here would not keep those calls working.
 */
export class RateLimiter {
  private readonly log = new Logger('RateLimiter');
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  async hit(bucket: string, limit: number, windowSec = 60): Promise<RateDecision> {
    const now = this.clock.now().getTime();
    const windowMs = windowSec * 1000;
    const window = Math.floor(now / windowMs);
    const key = `${this.prefix}rate:${bucket}:${window}`;
    try {
      const count = Number(await this.redis.eval(HIT, 1, key, windowMs + 1000));
      if (count > limit)
        return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)) };
      return { allowed: true, remaining: limit - count };
    } catch (e) {
      throw redisUnavailable(e, this.log, 'rate limit');
    }
  }
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
