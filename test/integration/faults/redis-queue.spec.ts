import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { createVerifierApp } from '../../../apps/verifier/src/app';
import type { VerifierConfig } from '../../../apps/verifier/src/config';
import { migrateVerifier } from '../../../apps/verifier/src/data-source';
import { startVerifierWorker, VerifierWorkerHandle } from '../../../apps/verifier/src/worker';
import { signedPdf } from '../../../apps/verifier/test/fixtures';
import { anchorView, RegistryStub } from '../../../apps/verifier/test/registry-stub';
import { createTestDatabase } from '../../support/db';
import { RedisServer, startRedisServer } from '../../support/redis-server';
import { answer, Answer, runLoad, sleep, waitUntil } from './support';

/**
 * The verifier's Redis (durable, as a queue's must be) killed and started again while validations
 * are submitted: each submission is accepted (and then validated) or refused with 503 and
 * Retry-After; none stays pending, the worker resumes by itself.
 */
describe('fault: Redis restart under validation submissions (verifier queue)', () => {
  const registry = new RegistryStub();
  let redisDir: string;
  let redis: RedisServer;
  let db: { url: string; drop: () => Promise<void> };
  let app: NestExpressApplication;
  let worker: VerifierWorkerHandle;
  let base: string;
  let token: string;

  beforeAll(async () => {
    redisDir = await mkdtemp(join(tmpdir(), 'kyso-redis-'));
    redis = await startRedisServer(redisDir);
    db = await createTestDatabase('kyso_fault');
    await migrateVerifier(db.url);
    await registry.start();
    token = randomBytes(24).toString('hex');
    const config: VerifierConfig = {
      databaseUrl: db.url,
      redisUrl: redis.url,
      internalToken: token,
      host: '127.0.0.1',
      port: 0,
      registryUrl: registry.url,
      maxUploadBytes: 5 * 1024 * 1024,
      queuePrefix: 'kyso-fault',
      trustAnchorsRefreshMs: 60_000,
      workerConcurrency: 2,
      jobAttempts: 5,
      jobBackoffMs: 200,
      revocation: { required: false },
    };
    app = await createVerifierApp(config);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await startVerifierWorker(config);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await redis?.stop();
    await registry.stop();
    await db?.drop();
    await rm(redisDir, { recursive: true, force: true });
  });

  it('accepts and later validates, or refuses with 503 and Retry-After; nothing stays pending; the worker resumes', async () => {
    const { pdf, rootPem } = await signedPdf();
    registry.anchors = [anchorView(rootPem)];
    const submit = async (): Promise<Answer> => {
      const form = new FormData();
      form.set('file', new Blob([pdf], { type: 'application/pdf' }), 'signed.pdf');
      return answer(
        await fetch(`${base}/validations/pdf?wait=0`, {
          method: 'POST',
          headers: { 'x-kyso-internal-token': token },
          body: form,
          signal: AbortSignal.timeout(20_000),
        }),
      );
    };
    const answers: Answer[] = [];
    const load = runLoad(12, async () => {
      const a = await submit();
      answers.push(a);
      await sleep(a.status === 503 ? 100 : 20);
    });
    await sleep(1_000);
    await redis.stop();
    await sleep(2_000);
    await redis.start();
    await sleep(2_000);
    await load.stop();

    expect(answers.filter((a) => a.status !== 202 && a.status !== 503).map((a) => `${a.status} ${a.code}`)).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect(a).toMatchObject({ code: 'QUEUE_UNAVAILABLE', retryAfter: '5' });
    const accepted = answers.filter((a) => a.status === 202).map((a) => (a.body as { id: string }).id);
    expect(accepted.length).toBeGreaterThan(0);

    // Every accepted validation is done (the worker resumed by itself); none is left pending.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const rows = async () =>
      (await pg.query('SELECT id, status, error_code FROM verifier.validation')).rows as {
        id: string;
        status: string;
        error_code: string | null;
      }[];
    await waitUntil(async () => (await rows()).every((r) => r.status !== 'pending'), 40_000, 'no validation pending');
    const all = await rows();
    await pg.end();
    const byId = new Map(all.map((r) => [r.id, r]));
    for (const id of accepted) expect(byId.get(id)?.status).toBe('done');
    // The refused ones were stored before the queue failed: they end failed with the code the caller got.
    const others = all.filter((r) => !accepted.includes(r.id));
    expect(others.length).toBeLessThanOrEqual(refused.length);
    for (const r of others) expect(r).toMatchObject({ status: 'failed', error_code: 'QUEUE_UNAVAILABLE' });
  }, 90_000);
});
