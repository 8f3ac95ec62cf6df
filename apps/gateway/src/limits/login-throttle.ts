import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';
import { Clock } from '@kyso/common';
import { redisUnavailable } from './rate-limit';

export interface LoginThrottleSettings {
  /** Wrong passwords per username and address before delays start. */
  freeAttempts: number;
  /** The first delay; each further wrong password doubles it... */
  baseDelaySec: number;
  /** ...up to this. */
  maxDelaySec: number;
}

export type LoginTicket = { allowed: true } | { allowed: false; retryAfterSec: number };

/**
 * Takes one attempt for (username, address) atomically, before the password is checked, so parallel
 * guesses cannot slip past the delay: the Nth attempt beyond the free ones sets `until` for the next.
 * KEYS[1] the username's hash; ARGV: address, now ms, free attempts, base ms, max ms, ttl s.
 */
const TAKE = `
local till = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. '|until') or '0')
local now = tonumber(ARGV[2])
if till > now then return till - now end
local n = redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|n', 1)
local free = tonumber(ARGV[3])
if n >= free then
  local d = math.min(tonumber(ARGV[5]), tonumber(ARGV[4]) * 2 ^ (n - free))
  redis.call('HSET', KEYS[1], ARGV[1] .. '|until', now + d)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
return 0
`;

/**
 * Password guessing is slowed per username *and* client address, with delays that double, instead of
 * locking the account: a stranger who knows a username cannot lock its owner out from elsewhere.
 * The state lives in Redis (shared by every instance) under a hash of the normalised username, so
 * unknown and known usernames are throttled alike and no typed name is stored. An admin unlock
 * clears every address of one username.
 */
export class LoginThrottle {
  private readonly log = new Logger('LoginThrottle');
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly settings: LoginThrottleSettings,
    private readonly clock: Clock,
  ) {}

  async take(username: string, address: string): Promise<LoginTicket> {
    const { freeAttempts, baseDelaySec, maxDelaySec } = this.settings;
    // Kept a day past the longest delay, so a slow guesser keeps their count.
    const ttl = maxDelaySec + 24 * 3600;
    const wait = await this.redis
      .eval(
        TAKE,
        1,
        this.key(username),
        address,
        this.clock.now().getTime(),
        freeAttempts,
        baseDelaySec * 1000,
        maxDelaySec * 1000,
        ttl,
      )
      .catch((e: unknown) => Promise.reject(redisUnavailable(e, this.log, 'sign-in throttle')));
    const ms = Number(wait);
    return ms > 0 ? { allowed: false, retryAfterSec: Math.max(1, Math.ceil(ms / 1000)) } : { allowed: true };
  }

  /** A right password: this address starts afresh (others keep their count). */
  async succeeded(username: string, address: string): Promise<void> {
    await this.redis
      .hdel(this.key(username), `${address}|n`, `${address}|until`)
      .catch((e: unknown) => Promise.reject(redisUnavailable(e, this.log, 'sign-in throttle')));
  }

  /** Admin unlock: every address of this username starts afresh. */
  async unlock(username: string): Promise<void> {
    await this.redis
      .del(this.key(username))
      .catch((e: unknown) => Promise.reject(redisUnavailable(e, this.log, 'sign-in throttle')));
  }

  private key(username: string): string {
    return `${this.prefix}login:${usernameDigest(username)}`;
  }
}

/** The normalised username's SHA-256, short: what audit entries and Redis keep instead of what was typed. */
export function usernameDigest(username: string): string {
  return createHash('sha256').update(normalUsername(username)).digest('hex').slice(0, 32);
}

export const normalUsername = (username: string) => username.normalize('NFC').trim().toLowerCase();
