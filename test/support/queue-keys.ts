import IORedis from 'ioredis';

/** BullMQ keys of this run: each run has its own prefix, removed at the end. */
export async function dropQueueKeys(pattern: string, redisUrl = 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new IORedis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }))
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
  } finally {
    redis.disconnect();
  }
}
