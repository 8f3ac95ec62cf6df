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

export { dropQueueKeys } from '../../../test/support/queue-keys';
