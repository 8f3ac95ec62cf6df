import { randomBytes } from 'node:crypto';
import { StubService } from '../../../apps/gateway/test/stub-service';
import { migrateAll } from '../../../scripts/migrate';
import { createTestDatabase } from '../../support/db';
import { freePort } from '../../support/ports';
import { RedisServer, startRedisServer } from '../../support/redis-server';
import { answer, Answer, ERROR, runLoad, ServiceProcess, sleep, startServiceProcess, waitUntil, WARN } from './support';

/**
 * Redis killed and started again under a few dozen sign-in attempts in flight, against the gateway
 * started from its real main.ts: its limits fail closed (503, never unmetered guessing) and come back.
 */
describe('fault: Redis restart under load (gateway limits)', () => {
  let redis: RedisServer;
  let gateway: ServiceProcess;
  let base: string;
  let dropDb: () => Promise<void>;
  const upstream = new StubService();

  beforeAll(async () => {
    const db = await createTestDatabase('kyso_fault');
    dropDb = db.drop;
    await migrateAll(db.url);
    redis = await startRedisServer();
    // The registry records sign-in audit events; signer and verifier are not called here.
    upstream.handler = (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    await upstream.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gateway = startServiceProcess('apps/gateway/src/main.ts', {
      KYSO_DATABASE_URL: db.url,
      KYSO_REDIS_URL: redis.url,
      KYSO_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
      KYSO_GATEWAY_PORT: String(port),
      KYSO_REGISTRY_URL: upstream.url,
      KYSO_SIGNER_URL: upstream.url,
      KYSO_VERIFIER_URL: upstream.url,
      KYSO_GATEWAY_RATE_PUBLIC_PER_MIN: '100000',
      KYSO_GATEWAY_RATE_LOGIN_PER_MIN: '100000',
    });
    await waitUntil(async () => (await fetch(`${base}/health/ready`)).ok, 150_000, 'the gateway is ready');
  }, 180_000);

  afterAll(async () => {
    await gateway?.kill();
    await redis?.stop();
    await upstream.stop();
    await dropDb?.();
  });

  const login = async (username: string): Promise<Answer> =>
    answer(
      await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'not the password' }),
      }),
    );

  it('refuses with 503 LIMITS_UNAVAILABLE and Retry-After while Redis is gone, logs it once, recovers', async () => {
    const answers: Answer[] = [];
    const logFrom = gateway.lines.length;
    const load = runLoad(24, async (w, i) => {
      const a = await login(`nobody-${w}-${i}`);
      answers.push(a);
      if (a.status === 503) await sleep(50);
    });
    await sleep(1_000);
    await redis.stop();
    await sleep(2_000);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { dependencies: Record<string, { state: string }> }).dependencies.redis.state).toBe(
      'down',
    );
    await redis.start();
    await sleep(2_000);
    await load.stop();

    await waitUntil(async () => (await fetch(`${base}/health/ready`)).ok, 10_000, 'readiness after the restart');
    expect((await login('after-the-restart')).code).toBe('INVALID_CREDENTIALS');
    expect(gateway.child.exitCode).toBeNull();

    const other = answers.filter((a) => a.status !== 401 && a.status !== 503);
    expect(other).toEqual([]);
    for (const a of answers.filter((x) => x.status === 401)) expect(a.code).toBe('INVALID_CREDENTIALS');
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect(a).toMatchObject({ code: 'LIMITS_UNAVAILABLE', retryAfter: '5' });

    await waitUntil(
      async () => gateway.lines.slice(logFrom).some((l) => /available again/.test(l.msg ?? '')),
      5_000,
      'the recovery line',
    );
    const outage = gateway.lines.slice(logFrom);
    expect(outage.filter((l) => l.level >= ERROR)).toEqual([]);
    const warnings = outage.filter((l) => l.level === WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ context: 'Dependencies', msg: expect.stringMatching(/^redis unavailable/) });
    expect(outage.filter((l) => /^redis available again/.test(l.msg ?? ''))).toHaveLength(1);
  }, 60_000);
});
