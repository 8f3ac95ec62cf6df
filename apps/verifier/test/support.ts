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

/**
 * `attempt` again until `done` holds, 5 s at most; the last result. After a test changes a revocation
 * cache table itself, the verifier API serves the rows it holds until it hears the change
 * (held-caches.ts), and that notification travels asynchronously, later under load.
 */
export async function onceHeard<T>(attempt: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  let t = await attempt();
  for (let i = 0; i < 100 && !done(t); i++) {
    await new Promise((r) => setTimeout(r, 50));
    t = await attempt();
  }
  return t;
}

export { dropQueueKeys } from '../../../test/support/queue-keys';
