import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { INTERNAL_TOKEN_HEADER } from '@kyso/common';
import { migrateRegistry } from '../../../apps/registry/src/data-source';
import { PgCluster, startPgCluster } from '../../support/pg-cluster';
import { freePort } from '../../support/ports';
import { answer, Answer, ERROR, runLoad, ServiceProcess, sleep, startServiceProcess, waitUntil, WARN } from './support';

/**
 * PostgreSQL stopped and started again (fast shutdown: sessions terminated) under a few dozen
 * requests in flight, against the registry started from its real main.ts on a cluster of its own.
 */
describe('fault: PostgreSQL restart under load', () => {
  const token = randomBytes(24).toString('hex');
  let pg: PgCluster;
  let registry: ServiceProcess;
  let base: string;

  const call = async (method: string, path: string, body?: unknown): Promise<Answer> =>
    answer(
      await fetch(`${base}${path}`, {
        method,
        headers: { [INTERNAL_TOKEN_HEADER]: token, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }),
    );

  beforeAll(async () => {
    pg = await startPgCluster();
    await migrateRegistry(pg.url);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    registry = startServiceProcess('apps/registry/src/main.ts', {
      KYSO_DATABASE_URL: pg.url,
      KYSO_INTERNAL_TOKEN: token,
      KYSO_REGISTRY_PORT: String(port),
      KYSO_REGISTRY_DATA_KEY: randomBytes(32).toString('base64'),
    });
    await waitUntil(async () => (await fetch(`${base}/health/ready`)).ok, 150_000, 'the registry is ready');
  }, 180_000);

  afterAll(async () => {
    await registry?.kill();
    await pg?.remove();
  });

  it('answers correctly or 503 DATABASE_UNAVAILABLE with Retry-After, logs the outage once, recovers, loses nothing', async () => {
    const created = new Map<string, string>(); // code → id, for every 201
    const refused = new Set<string>(); // codes answered 503
    const answers: Answer[] = [];
    const logFrom = registry.lines.length;

    const load = runLoad(30, async (w, i) => {
      const code = `9${String(w).padStart(2, '0')}.${String(i).padStart(2, '0')}.00.F01`;
      const a = await call('POST', '/organizations', { code, name: `Fault test ${code}`, legalEntity: true });
      answers.push(a);
      if (a.status === 201) {
        created.set(code, (a.body as { id: string }).id);
        const read = await call('GET', `/organizations/${(a.body as { id: string }).id}`);
        answers.push(read);
        if (read.status === 200) expect((read.body as { code: string }).code).toBe(code);
      } else if (a.status === 503) {
        refused.add(code);
        await sleep(50);
      }
    });
    await sleep(1_000);
    await pg.stop();
    await sleep(2_000);
    await pg.start();
    await sleep(2_000);
    await load.stop();

    // Recovery without a restart of the service: readiness and a new write, same process.
    await waitUntil(async () => (await fetch(`${base}/health/ready`)).ok, 10_000, 'readiness after the restart');
    const after = await call('POST', '/organizations', { code: '999.99.99.F01', name: 'After', legalEntity: true });
    expect(after.status).toBe(201);
    expect(registry.child.exitCode).toBeNull();

    // Every answer is a correct one or a clean 503; never a 500.
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const a of unavailable) {
      expect(a).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryAfter: '5' });
      expect(a.contentType).toContain('application/problem+json');
    }
    expect(created.size).toBeGreaterThan(0);

    // Nothing lost, nothing made that the client was told failed.
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    const rows = (await db.query(`SELECT id, code FROM registry.organization WHERE code LIKE '9%.F01'`)).rows as {
      id: string;
      code: string;
    }[];
    await db.end();
    const stored = new Map(rows.map((r) => [r.code, r.id]));
    expect(stored.size).toBe(created.size + 1);
    for (const [code, id] of created) expect(stored.get(code)).toBe(id);
    for (const code of refused) expect(stored.has(code)).toBe(false);

    // The outage in the log: one warning when it went, one line when it came back, no errors.
    await waitUntil(
      async () => registry.lines.slice(logFrom).some((l) => /available again/.test(l.msg ?? '')),
      5_000,
      'the recovery line',
    );
    const outage = registry.lines.slice(logFrom);
    expect(outage.filter((l) => l.level >= ERROR)).toEqual([]);
    const warnings = outage.filter((l) => l.level === WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ context: 'Dependencies', msg: expect.stringMatching(/^postgres unavailable/) });
    expect(outage.filter((l) => /^postgres available again/.test(l.msg ?? ''))).toHaveLength(1);
  }, 60_000);
});
