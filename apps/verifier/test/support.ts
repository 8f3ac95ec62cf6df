import IORedis from 'ioredis';
import type { VerifierConfig } from '../src/config';

export const TOKEN = 'test-internal-token-0123456789';
const REDIS_URL = 'redis://127.0.0.1:6379';

const DEFAULTS = {
  redisUrl: REDIS_URL,
  internalToken: TOKEN,
  host: '127.0.0.1',
  port: 0,
  trustAnchorsRefreshMs: 0,
  jobBackoffMs: 100,
};

/** A verifier on an ephemeral loopback port with the test token, Redis and uncached trust anchors. */
export function testVerifierConfig(
  c: Omit<VerifierConfig, keyof typeof DEFAULTS> & Partial<VerifierConfig>,
): VerifierConfig {
  return { ...DEFAULTS, ...c };
}

/** BullMQ keys of this run: each run has its own prefix, removed at the end. */
export async function dropQueueKeys(pattern: string): Promise<void> {
  const redis = new IORedis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }))
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
  } finally {
    redis.disconnect();
  }
}
