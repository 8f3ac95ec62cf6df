import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { createVerifierApp } from '../../../apps/verifier/src/app';
import type { VerifierConfig } from '../../../apps/verifier/src/config';
import { migrateVerifier } from '../../../apps/verifier/src/data-source';
import { EVIDENCE_RECORDED } from '../../../apps/verifier/src/evidence/validation-evidence';
import { QueueName } from '../../../apps/verifier/src/jobs';
import { startVerifierWorker, VerifierWorkerHandle } from '../../../apps/verifier/src/worker';
import { signedPdf } from '../../../apps/verifier/test/fixtures';
import { anchorView, RegistryStub } from '../../../apps/verifier/test/registry-stub';
import { dropQueueKeys } from '../../../apps/verifier/test/support';
import { createTestDatabase } from '../../support/db';
import { ServiceProcess, startServiceProcess, waitUntil } from './support';

const LOCK_MS = 2_000;

/**
 * In front of the registry stand-in: holds the worker's trust-anchor request while `hold` is set,
 * so the test knows the job is running (and where) when it kills the worker.
 */
class HoldingProxy {
  hold = true;
  held = 0;
  url = '';
  private server?: Server;
  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.hold && req.url?.startsWith('/trust-anchors')) {
      this.held++;
      return; // never answered: the worker that asked dies waiting
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
    ) as Record<string, string>;
    const r = await fetch(`${this.target}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await r.arrayBuffer()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/**
 * A verifier worker (its real worker.ts, in a child process) SIGKILLed in the middle of a
 * validation: another worker takes the job over once its lock lapses (BullMQ's stalled-job
 * check), the validation finishes exactly once, and its evidence and audit entry exist once.
 */
describe('fault: verifier worker killed mid-job', () => {
  const prefix = `kyso-fault-${randomBytes(4).toString('hex')}`;
  const registry = new RegistryStub();
  let proxy: HoldingProxy;
  let db: { url: string; drop: () => Promise<void> };
  let config: VerifierConfig;
  let app: NestExpressApplication;
  let base: string;
  let doomed: ServiceProcess;
  let survivor: VerifierWorkerHandle | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('kyso_fault');
    await migrateVerifier(db.url);
    await registry.start();
    proxy = await new HoldingProxy(registry.url).start();
    config = {
      databaseUrl: db.url,
      redisUrl: 'redis://127.0.0.1:6379',
      internalToken: randomBytes(24).toString('hex'),
      host: '127.0.0.1',
      port: 0,
      // The API and the surviving worker ask the registry directly; only the doomed child goes through the proxy.
      registryUrl: registry.url,
      maxUploadBytes: 5 * 1024 * 1024,
      queuePrefix: prefix,
      trustAnchorsRefreshMs: 0,
      workerConcurrency: 1,
      jobAttempts: 3,
      jobBackoffMs: 200,
      jobLockMs: LOCK_MS,
      revocation: { required: false },
    };
    app = await createVerifierApp(config);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await survivor?.close();
    await app?.close();
    await proxy?.stop();
    await registry.stop();
    await db?.drop();
    await dropQueueKeys(`${prefix}:*`);
  });

  it('resumes the validation on another worker, exactly once, with one evidence record and one audit entry', async () => {
    const { pdf, rootPem } = await signedPdf();
    registry.anchors = [anchorView(rootPem)];
    doomed = startServiceProcess('apps/verifier/src/worker.ts', {
      KYSO_DATABASE_URL: config.databaseUrl,
      KYSO_REDIS_URL: config.redisUrl,
      KYSO_INTERNAL_TOKEN: config.internalToken,
      KYSO_REGISTRY_URL: proxy.url,
      KYSO_QUEUE_PREFIX: prefix,
      KYSO_TRUST_ANCHORS_REFRESH_MS: '0',
      KYSO_VERIFIER_WORKER_CONCURRENCY: '1',
      KYSO_VERIFIER_JOB_LOCK_MS: String(LOCK_MS),
      KYSO_REVOCATION_REQUIRED: 'false',
    });

    const form = new FormData();
    form.set('file', new Blob([pdf], { type: 'application/pdf' }), 'signed.pdf');
    const submitted = await fetch(`${base}/validations/pdf?wait=0`, {
      method: 'POST',
      headers: { 'x-kyso-internal-token': config.internalToken },
      body: form,
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };

    // The child worker has the job (the only worker yet) and waits for the registry: kill it there.
    const jobs = new Queue(QueueName.Validation, { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    try {
      await waitUntil(
        async () => proxy.held > 0 && (await (await jobs.getJob(id))?.getState()) === 'active',
        150_000,
        'the child worker runs the job',
      );
    } finally {
      await jobs.close();
    }
    survivor = await startVerifierWorker(config);
    await doomed.kill('SIGKILL');
    proxy.hold = false;

    let finished: { status: string; report?: { signatureCount: number } } | undefined;
    await waitUntil(
      async () => {
        const r = await fetch(`${base}/validations/${id}`, {
          headers: { 'x-kyso-internal-token': config.internalToken },
        });
        finished = (await r.json()) as typeof finished;
        return finished?.status !== 'pending';
      },
      30_000,
      'the validation finishes on the surviving worker',
    );
    expect(finished).toMatchObject({ status: 'done', report: { signatureCount: 1 } });
    expect(proxy.held).toBe(1);

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const evidence = await pg.query(
      'SELECT document_sha256 FROM verifier.validation_evidence WHERE validation_id = $1',
      [id],
    );
    await pg.end();
    expect(evidence.rows).toHaveLength(1);
    const audited = registry.events.filter(
      (e) =>
        e.action === EVIDENCE_RECORDED &&
        (e.after as { records: { documentSha256: string }[] }).records.some(
          (r) => r.documentSha256 === evidence.rows[0].document_sha256,
        ),
    );
    expect(audited).toHaveLength(1);
  }, 240_000);
});
