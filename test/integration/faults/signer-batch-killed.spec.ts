import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Client } from 'pg';
import { createSignerApp } from '../../../apps/signer/src/app';
import { migrateSigner } from '../../../apps/signer/src/data-source';
import { testSignerConfig } from '../../../apps/signer/test/support';
import { generateTokenKeys } from '../../../apps/signer/test/token-keys';
import { createTestDatabase } from '../../support/db';
import { freePort } from '../../support/ports';
import { dropQueueKeys } from '../../support/queue-keys';
import { createActiveTestToken, TestToken } from '../../support/token';
import { startSignerStandIns } from './signer-stand-ins';
import { ServiceProcess, startServiceProcess, waitUntil } from './support';

const OFFICIAL = 'official-nguyen-van-a';
const LOCK_MS = 2_000;

/**
 * A signer (its real main.ts, in a child process) SIGKILLed in the middle of a batch, while the
 * registry holds its authorisation of the second document: another signer takes the batch over
 * once the job's lock lapses, keeps the first document's signature, signs the rest, and no
 * document is signed twice.
 */
describe('fault: signer killed mid-batch', () => {
  const internal = randomBytes(24).toString('hex');
  const prefix = `kyso-fault-batch-${randomBytes(4).toString('hex')}`;
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let standIns: Awaited<ReturnType<typeof startSignerStandIns>>;
  let registry: typeof standIns.registry;
  let dir: string;
  let doomed: ServiceProcess | undefined;
  let survivor: NestExpressApplication | undefined;

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_fault_batch')]);
    await migrateSigner(db.url);
    const [key] = await generateTokenKeys(token, [{ label: 'nguyen-van-a', id: 1, algorithm: 'ECDSA-P256-SHA256' }]);
    standIns = await startSignerStandIns(internal, OFFICIAL, key);
    registry = standIns.registry;
    dir = await mkdtemp(join(tmpdir(), 'kyso-fault-batch-'));
  }, 120_000);

  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await survivor?.close();
    await standIns?.close();
    await db?.drop();
    await token?.remove();
    await dropQueueKeys(`${prefix}:*`);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('resumes the batch on another signer: every document signed exactly once', async () => {
    const { verifierUrl } = standIns;
    const port = await freePort();
    doomed = startServiceProcess('apps/signer/src/main.ts', {
      SOFTHSM2_CONF: token.conf,
      KYSO_DATABASE_URL: db.url,
      KYSO_INTERNAL_TOKEN: internal,
      KYSO_SIGNER_PORT: String(port),
      KYSO_REGISTRY_URL: registry.url,
      KYSO_VERIFIER_URL: verifierUrl,
      KYSO_PKCS11_MODULE: token.modulePath,
      KYSO_TOKEN_LABEL: token.label,
      KYSO_TOKEN_PIN: token.pin,
      KYSO_QUEUE_PREFIX: prefix,
      KYSO_SIGNER_UPLOAD_DIR: join(dir, 'uploads'),
      KYSO_SIGNER_BATCH_DIR: join(dir, 'batches'),
      KYSO_SIGNER_BATCH_LOCK_MS: String(LOCK_MS),
    });
    const base = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${base}/health/ready`)).ok, 150_000, 'the child signer is ready');

    const pdfs = await Promise.all(
      ['Cong van 1', 'Cong van 2', 'Cong van 3'].map(async (text) => {
        const doc = await PDFDocument.create();
        const font = await doc.embedFont(StandardFonts.Helvetica);
        doc.addPage([595, 842]).drawText(text, { x: 72, y: 760, size: 14, font });
        return Buffer.from(await doc.save());
      }),
    );
    // The first document is authorised; the second's authorisation hangs: the child dies there.
    registry.hold.after = 1;
    const form = new FormData();
    for (const [k, v] of Object.entries({ certificateId: 'cert-a', actingOfficialId: OFFICIAL, pin: '1234' }))
      form.set(k, v);
    for (const [i, pdf] of pdfs.entries())
      form.append('files', new Blob([pdf], { type: 'application/pdf' }), `van-ban-${i}.pdf`);
    const headers = { 'x-kyso-internal-token': internal };
    const submitted = await fetch(`${base}/signatures/batches`, { method: 'POST', headers, body: form });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    await waitUntil(async () => registry.hold.held > 0, 60_000, 'the child signs the second document');
    await doomed.kill('SIGKILL');
    registry.hold.after = Infinity;

    survivor = await createSignerApp(
      testSignerConfig(
        token,
        {
          internalToken: internal,
          databaseUrl: db.url,
          registryUrl: registry.url,
          verifierUrl,
          maxPdfBytes: 1024 * 1024,
          uploadDir: join(dir, 'uploads'),
          batches: {
            dir: join(dir, 'batches'),
            maxFiles: 10,
            maxTotalBytes: 10 * 1024 * 1024,
            resultTtlMs: 3600_000,
            concurrency: 1,
            queuePrefix: prefix,
            lockMs: LOCK_MS,
            sweepEveryMs: 3600_000,
          },
        },
        1,
      ),
    );
    await survivor.listen(0, '127.0.0.1');
    const url = (await survivor.getUrl()).replace('[::1]', '127.0.0.1');
    let batch: { status: string; items: { status: string; signatureId?: string }[] } | undefined;
    await waitUntil(
      async () => {
        batch = (await (await fetch(`${url}/signatures/batches/${id}`, { headers })).json()) as typeof batch;
        return batch?.status === 'done';
      },
      60_000,
      'the surviving signer finishes the batch',
    );
    expect(batch!.items.map((i) => i.status)).toEqual(['done', 'done', 'done']);

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const signed = await pg.query(`SELECT id, document_sha256 FROM signer.signature_events WHERE outcome = 'signed'`);
    await pg.end();
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(signed.rows.map((r) => r.document_sha256).sort()).toEqual(pdfs.map(sha).sort());
    expect(batch!.items.map((i) => i.signatureId).sort()).toEqual(signed.rows.map((r) => r.id).sort());
    for (const [i, pdf] of pdfs.entries()) {
      const r = await fetch(`${url}/signatures/batches/${id}/items/${i}`, { headers });
      expect(r.status).toBe(200);
      expect(
        Buffer.from(await r.arrayBuffer())
          .subarray(0, pdf.length)
          .equals(pdf),
      ).toBe(true);
    }
  }, 240_000);
});
