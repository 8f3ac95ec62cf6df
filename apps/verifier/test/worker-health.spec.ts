import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import IORedis from 'ioredis';
import { createTestDatabase } from '../../../test/support/db';
import { freePort } from '../../../test/support/ports';
import { migrateVerifier } from '../src/data-source';
import { JobQueue } from '../src/job-queue';
import { JobName, JobPayloads, JobsOf, QueueName } from '../src/jobs';
import { startVerifierWorker, VerifierWorkerHandle } from '../src/worker';
import { testVerifierConfig } from './support';

/** A redis-server of this test only, so stopping it disturbs no other test. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const probe = new IORedis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await probe.connect().then(
          () => probe.ping(),
          () => undefined,
        )
      )
        return child;
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    probe.disconnect();
  }
  child.kill();
  throw new Error(`redis-server on ${port} did not start`);
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('verifier worker observability', () => {
  let redisPort: number;
  let redis: ChildProcess;
  let db: { url: string; drop: () => Promise<void> };
  let worker: VerifierWorkerHandle;
  const lines: Record<string, unknown>[] = [];
  const prefix = `kyso:test:wh:${randomUUID().slice(0, 8)}`;
  /** Adds one job (a single attempt) as the API would, and waits for it. */
  const run = async <Q extends QueueName, N extends JobsOf<Q>>(q: Q, job: N, payload: JobPayloads[N]) => {
    const queue = new JobQueue(q, {
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      prefix,
      attempts: 1,
      backoffMs: 100,
      keepCompletedSec: 60,
      keepFailedSec: 60,
    });
    try {
      return await queue.run(job, payload, 10_000);
    } finally {
      await queue.close();
    }
  };
  const get = (path: string) => fetch(`http://127.0.0.1:${worker.healthPort}${path}`);

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    db = await createTestDatabase('kyso_worker_health');
    await migrateVerifier(db.url);
    // Every line must be JSON: a coloured Nest text line would throw here.
    const logDestination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n'))
          if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const config = testVerifierConfig({
      databaseUrl: db.url,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      registryUrl: 'http://127.0.0.1:1',
      maxUploadBytes: 1024,
      queuePrefix: prefix,
      workerConcurrency: 1,
      jobAttempts: 1,
      workerHealthPort: 0,
      workerStallMs: 60_000,
    });
    worker = await startVerifierWorker(config, { logDestination });
  });

  afterAll(async () => {
    await worker?.close();
    await stopRedis(redis);
    await db?.drop();
  });

  it('serves liveness, readiness with the queue backlog, and job metrics on its loopback port', async () => {
    expect(worker.healthPort).toBeGreaterThan(0);
    const live = await get('/health');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    // A job for an unknown validation completes at once (nothing to do): counted by the metrics.
    const outcome = await run(QueueName.Validation, JobName.ValidatePdf, { validationId: randomUUID() });
    expect(outcome.state).toBe('completed');

    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      status: string;
      checks: Record<string, { ok: boolean }>;
      queues: Record<string, { depth: number; oldestJobAgeMs: number | null }>;
    };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['postgres', 'queue:revocation', 'queue:validation', 'redis']);
    // Nothing waits; the evidence maintenance job is scheduled (delayed), which counts in the depth.
    expect(body.queues.validation).toEqual({ depth: 1, active: 0, oldestJobAgeMs: null });

    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(
      /kyso_worker_jobs_processed_total\{queue="validation",job="validate-pdf",service="verifier-worker"\} 1/,
    );
    expect(metrics).toMatch(
      /kyso_worker_job_duration_seconds_count\{[^}]*queue="validation",job="validate-pdf",outcome="completed"\} 1/,
    );
    expect(metrics).toContain('# TYPE kyso_worker_fetches_total counter');
    expect(metrics).toContain('# TYPE kyso_worker_cache_lookups_total counter');
    expect((await get('/nope')).status).toBe(404);
  });

  it('counts downloads per host and outcome, and logs the refusal as a pino JSON line', async () => {
    // Port 1 of loopback is outside the download allow-list: the job ends with a typed refusal.
    const outcome = await run(QueueName.Revocation, JobName.FetchCrl, { url: 'http://127.0.0.1:1/ca.crl' });
    expect(outcome).toMatchObject({ state: 'completed', result: { ok: false } });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(
      /kyso_worker_fetches_total\{kind="fetch-crl",host="127.0.0.1:1",outcome="refused",[^}]*\} 1/,
    );
    expect(metrics).toMatch(/kyso_worker_jobs_processed_total\{queue="revocation",job="fetch-crl",[^}]*\} 1/);
    const refusal = lines.find((l) => /refused: FETCH_ADDRESS_REFUSED/.test(String(l.msg)));
    expect(refusal).toMatchObject({ level: 40, service: 'verifier-worker', context: 'RevocationJobs' });
    expect(typeof refusal?.time).toBe('string');
  });

  it('goes not-ready, naming Redis, while Redis does not answer', async () => {
    // Frozen rather than killed: the worker's connections resume afterwards and it closes cleanly.
    redis.kill('SIGSTOP');
    try {
      const ready = await get('/health/ready');
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
      expect(body.status).toBe('not-ready');
      expect(body.checks.redis).toEqual({ ok: false, detail: expect.stringMatching(/no answer/) });
      expect(body.checks.postgres.ok).toBe(true);
      expect((await get('/health')).status).toBe(200); // the process itself still runs
    } finally {
      redis.kill('SIGCONT');
    }
    expect((await get('/health/ready')).status).toBe(200);
  });
});
