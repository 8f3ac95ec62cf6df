import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  Caller,
  CALLER_HEADER,
  encodeCaller,
  FixedClock,
  SERVICE_OPENAPI_PATH,
  unprocessable,
  WEBHOOK_OUTBOX,
  WebhookOutbox,
  webhookEventId,
  WebhookRequest,
} from '@kyso/common';
import { DevCa } from '@kyso/pki/devca';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Client } from 'pg';
import request from 'supertest';
import { createTestDatabase } from '../../../test/support/db';
import { dropQueueKeys } from '../../../test/support/queue-keys';
import { asBuffer } from '../../../test/support/http';
import { createActiveTestToken, TestToken } from '../../../test/support/token';
import { createSignerApp } from '../src/app';
import { BATCH_COMPLETED, BatchRunner } from '../src/batches/batch-runner';
import type { SignerConfig } from '../src/config';
import { migrateSigner } from '../src/data-source';
import { localCheckFor } from './local-certificate-check';
import { startRegistryStub } from './registry-stub';
import { generateTokenKeys } from './token-keys';
import { INTERNAL, stopSignerParts, stubCertificate, testSignerConfig } from './support';

const OFFICIAL = 'official-nguyen-van-a';
const TTL_MS = 3600_000;

const system = (id: string): Caller => ({
  kind: 'system',
  id,
  name: id,
  scopes: ['sign'],
  organizationIds: [],
  roles: [],
  officialId: null,
});
const DMS = system('dms-key');

async function letter(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc
    .addPage([595, 842])
    .drawText(text, { x: 72, y: 760, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** Records the events it is given; refuses the callback URLs it is told to. */
class FakeOutbox implements WebhookOutbox {
  readonly events: WebhookRequest[] = [];
  async check(url: string): Promise<void> {
    if (url.includes('refused')) throw unprocessable('CALLBACK_URL_REFUSED', 'not allowed');
  }
  async enqueue(r: WebhookRequest): Promise<void> {
    this.events.push(r);
  }
}

describe('signing batches (signer over HTTP, SoftHSM2, Postgres, Redis/BullMQ, registry stand-in)', () => {
  const prefix = `kyso-batch-${randomBytes(4).toString('hex')}`;
  const clock = new FixedClock(new Date());
  const outbox = new FakeOutbox();
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let registry: Awaited<ReturnType<typeof startRegistryStub>>;
  let app: NestExpressApplication;
  let pg: Client;
  let dir: string;
  let pdfs: Buffer[];
  const http = () => request(app.getHttpServer());
  const as = (caller: Caller) => ({ 'x-kyso-internal-token': INTERNAL, [CALLER_HEADER]: encodeCaller(caller) });
  const submit = (fields: Record<string, string>, files: Buffer[], caller = DMS, query = '') => {
    let r = http().post(`/signatures/batches${query}`).set(as(caller));
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    for (const [i, f] of files.entries())
      r = r.attach('files', f, { filename: `công-văn-${i}.pdf`, contentType: 'application/pdf' });
    return r;
  };
  const view = (id: string, caller = DMS) => http().get(`/signatures/batches/${id}`).set(as(caller));
  const finished = async (id: string) => {
    for (let i = 0; i < 300; i++) {
      const r = await view(id);
      if (r.body.status === 'done') return r.body;
      await new Promise((x) => setTimeout(x, 100));
    }
    throw new Error(`batch ${id} did not finish`);
  };
  const signed = async () =>
    (await pg.query(`SELECT * FROM signer.signature_events WHERE outcome = 'signed'`)).rows.length;
  const good = { certificateId: 'cert-rsa', actingOfficialId: OFFICIAL, reason: 'Phê duyệt' };

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_signer_batch')]);
    await migrateSigner(db.url);
    const [rsa] = await generateTokenKeys(token, [
      { label: 'nguyen-van-a', id: 1, algorithm: 'RSASSA-PKCS1-v1_5-SHA256' },
    ]);
    const root = await DevCa.createRoot({ commonName: 'Kyso Test Root CA' });
    const person = await root.issue({
      subject: { CN: 'Nguyễn Văn A', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: rsa.publicKeySpki,
      profile: 'person',
    });
    registry = await startRegistryStub(INTERNAL, [
      stubCertificate('cert-rsa', OFFICIAL, person, rsa.ref.uri, [root.certificate]),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'kyso-batches-'));
    const config: SignerConfig = testSignerConfig(
      token,
      {
        databaseUrl: db.url,
        registryUrl: registry.url,
        maxPdfBytes: 256 * 1024,
        uploadDir: join(dir, 'uploads'),
        batches: {
          dir: join(dir, 'batches'),
          maxFiles: 3,
          maxTotalBytes: 64 * 1024,
          resultTtlMs: TTL_MS,
          concurrency: 1,
          queuePrefix: prefix,
          lockMs: 2_000,
          sweepEveryMs: 3600_000,
        },
      },
      1,
    );
    const certificateCheck = localCheckFor(root);
    app = await createSignerApp(config, {
      clock,
      certificateCheck,
      providers: [{ provide: WEBHOOK_OUTBOX, useValue: outbox }],
    });
    await app.listen(0, '127.0.0.1');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    pdfs = await Promise.all(['Cong van 1', 'Cong van 2', 'Cong van 3'].map(letter));
  }, 60_000);

  afterAll(async () => {
    await stopSignerParts({ pg, app, registry, db, token });
    await dropQueueKeys(`${prefix}:*`);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs every document with one PIN, fails the bad one alone, and sends one completion event', async () => {
    const before = registry.requests.length;
    const res = await submit({ ...good, pin: '1234', callbackUrl: 'https://dms.example/hooks' }, [
      pdfs[0],
      Buffer.from('not a pdf at all'),
      pdfs[2],
    ]);
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const done = await finished(id);
    expect(done).toMatchObject({
      id,
      status: 'done',
      progress: { done: 3, total: 3 },
      items: [
        { index: 0, status: 'done', fileName: 'công-văn-0.pdf' },
        { index: 1, status: 'failed', error: { status: 422, code: 'INVALID_PDF' } },
        { index: 2, status: 'done' },
      ],
    });

    // The PIN went to the registry once, opening a session of 3 uses; the documents spent it.
    const asked = registry.requests.slice(before).map((r) => r.body as Record<string, unknown>);
    expect(asked.filter((b) => b.pin !== undefined)).toEqual([
      { certificateId: 'cert-rsa', actingOfficialId: OFFICIAL, pin: '1234', session: 3 },
    ]);
    expect(asked.filter((b) => b.signingSession !== undefined)).toHaveLength(2);
    const stored = await pg.query('SELECT session_token FROM signer.signature_batch WHERE id = $1', [id]);
    expect(stored.rows[0].session_token).toBeNull();

    const first = await asBuffer(http().get(`/signatures/batches/${id}/items/0`).set(as(DMS)));
    expect(first.status).toBe(200);
    expect(first.headers['x-kyso-signature-id']).toBe(done.items[0].signatureId);
    const pdf = first.body as Buffer;
    expect(pdf.subarray(0, pdfs[0].length).equals(pdfs[0])).toBe(true);
    await writeFile(join(dir, 'first.pdf'), pdf);
    const { stdout } = await promisify(execFile)('pdfsig', [join(dir, 'first.pdf')]).catch((e: { stdout: string }) => ({
      stdout: e.stdout,
    }));
    expect(stdout).toContain('Signature is Valid.');

    const failed = await http().get(`/signatures/batches/${id}/items/1`).set(as(DMS));
    expect(failed.status).toBe(409);
    expect(failed.body).toMatchObject({ code: 'BATCH_ITEM_FAILED', error: { code: 'INVALID_PDF' } });

    // Audited as single signatures are: two signed, one refused, with the caller.
    const events = await pg.query(
      'SELECT outcome, refusal_code, caller_id FROM signer.signature_events ORDER BY outcome, refusal_code',
    );
    expect(events.rows).toEqual([
      { outcome: 'refused', refusal_code: 'INVALID_PDF', caller_id: 'dms-key' },
      { outcome: 'signed', refusal_code: null, caller_id: 'dms-key' },
      { outcome: 'signed', refusal_code: null, caller_id: 'dms-key' },
    ]);

    expect(outbox.events).toHaveLength(1);
    expect(outbox.events[0]).toMatchObject({
      systemId: 'dms-key',
      callbackUrl: 'https://dms.example/hooks',
      event: { id: webhookEventId(BATCH_COMPLETED, id), type: BATCH_COMPLETED, data: done },
    });
    // Unique to this event, not the batch's id (which another event of the batch would share)...
    expect(outbox.events[0].event.id).not.toBe(id);
    // ...and kept when the event is sent again: as a worker that died after the enqueue, before "done".
    await pg.query(
      `UPDATE signer.signature_batch SET status = 'running', finished_at = NULL, expires_at = NULL WHERE id = $1`,
      [id],
    );
    await app.get(BatchRunner).run(id);
    expect(outbox.events.map((e) => e.event.id)).toEqual([outbox.events[0].event.id, outbox.events[0].event.id]);
  }, 60_000);

  it('refuses a wrong PIN at once (403), auditing every document, and queues nothing', async () => {
    const before = await pg.query(`SELECT count(*)::int AS n FROM signer.signature_events WHERE outcome = 'refused'`);
    const res = await submit({ ...good, pin: '9999' }, [pdfs[0], pdfs[1]]);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'WRONG_PIN' });
    const after = await pg.query(`SELECT count(*)::int AS n FROM signer.signature_events WHERE outcome = 'refused'`);
    expect(after.rows[0].n - before.rows[0].n).toBe(2);
    const batches = await pg.query('SELECT count(*)::int AS n FROM signer.signature_batch');
    expect(batches.rows[0].n).toBe(1);
  });

  it('bounds a batch: too many files 422, too many bytes 413, a refused callback 422', async () => {
    const many = await submit({ ...good, pin: '1234' }, [pdfs[0], pdfs[1], pdfs[2], pdfs[0]]);
    expect(many.status).toBe(422);
    expect(many.body.code).toBe('BATCH_TOO_MANY_FILES');
    const big = Buffer.concat([pdfs[0], Buffer.alloc(40 * 1024, 0x20)]);
    const large = await submit({ ...good, pin: '1234' }, [big, big]);
    expect(large.status).toBe(413);
    expect(large.body.code).toBe('BATCH_TOO_LARGE');
    // Other multipart refusals as on the signer's other upload routes (Nest's multer mapping).
    const huge = await submit({ ...good, pin: '1234' }, [Buffer.alloc(257 * 1024, 0x20)]);
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    const stray = await submit({ ...good, pin: '1234' }, [pdfs[0]]).attach('file', pdfs[1], 'x.pdf');
    expect(stray.status).toBe(400);
    expect(stray.body.code).toBe('BAD_REQUEST');
    const cut = await http()
      .post('/signatures/batches')
      .set(as(DMS))
      .set('content-type', 'multipart/form-data; boundary=kyso')
      .send('--kyso\r\ncontent-disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.7');
    expect(cut.status).toBe(400);
    expect(cut.body.code).toBe('BAD_REQUEST');
    const hook = await submit({ ...good, pin: '1234', callbackUrl: 'https://refused.example/' }, [pdfs[0]]);
    expect(hook.status).toBe(422);
    expect(hook.body.code).toBe('CALLBACK_URL_REFUSED');
    // Nothing of the refused batches stays on disk.
    // (removed once each response is over)
    for (let i = 0; i < 50 && (await readdir(join(dir, 'uploads'))).length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await readdir(join(dir, 'uploads'))).toEqual([]);
  });

  it("spends the caller's own signing session, one use per document, without a PIN", async () => {
    registry.sessions.set('kss_callers', { id: randomUUID(), certificateId: 'cert-rsa', remainingUses: 2 });
    const before = registry.requests.length;
    const res = await submit({ ...good, signingSession: 'kss_callers' }, [pdfs[0], pdfs[1]]);
    expect(res.status).toBe(202);
    const done = await finished(res.body.id);
    expect(done.items.map((i: { status: string }) => i.status)).toEqual(['done', 'done']);
    const asked = registry.requests.slice(before).map((r) => r.body as Record<string, unknown>);
    expect(asked.map((b) => b.signingSession)).toEqual(['kss_callers', 'kss_callers']);
    expect(asked.some((b) => b.pin !== undefined)).toBe(false);
    expect(registry.sessions.get('kss_callers')!.remainingUses).toBe(0);
  }, 60_000);

  it('shows a batch only to the caller that submitted it', async () => {
    const res = await submit({ ...good, pin: '1234' }, [pdfs[1]]);
    const id = res.body.id as string;
    await finished(id);
    const other = system('another-system');
    expect((await view(id, other)).status).toBe(404);
    const item = await http().get(`/signatures/batches/${id}/items/0`).set(as(other));
    expect(item.status).toBe(404);
    expect(item.body.code).toBe('BATCH_NOT_FOUND');
  });

  it('resumes an interrupted item without a second signature, and signs again one that made none', async () => {
    const res = await submit({ ...good, pin: '1234' }, [pdfs[0], pdfs[1]]);
    const id = res.body.id as string;
    const done = await finished(id);
    const count = await signed();
    // As a worker killed after item 0's signature record (before "done"), and during item 1's authorisation.
    await pg.query(
      `UPDATE signer.signature_batch SET status = 'running', finished_at = NULL, expires_at = NULL,
         session_token = 'kss_stale' WHERE id = $1`,
      [id],
    );
    await pg.query(
      `UPDATE signer.signature_batch_item SET status = 'signing', signature_id = NULL WHERE batch_id = $1`,
      [id],
    );
    await pg.query(
      `UPDATE signer.signature_batch_item SET attempt_id = gen_random_uuid() WHERE batch_id = $1 AND index = 1`,
      [id],
    );
    // The batch's own session is spent: one more use, as the registry would have left after a crash.
    registry.sessions.set('kss_stale', { id: randomUUID(), certificateId: 'cert-rsa', remainingUses: 1 });

    await app.get(BatchRunner).run(id);
    const again = (await view(id)).body;
    expect(again.items[0]).toMatchObject({ status: 'done', signatureId: done.items[0].signatureId });
    expect(again.items[1].status).toBe('done');
    expect(again.items[1].signatureId).not.toBe(done.items[1].signatureId);
    expect(await signed()).toBe(count + 1);
  }, 60_000);

  it('describes the batch routes in its OpenAPI document (merged by the gateway)', async () => {
    const doc = await http().get(SERVICE_OPENAPI_PATH).set(as(DMS));
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    expect(paths['/signatures/batches'].post.requestBody.content['multipart/form-data'].schema.required).toEqual([
      'files',
      'certificateId',
      'actingOfficialId',
    ]);
    expect(paths['/signatures/batches/{id}'].get.responses['200']).toBeDefined();
    expect(paths['/signatures/batches/{id}/items/{index}'].get).toBeDefined();
  });

  it('reports the batch queue (Redis) in readiness', async () => {
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.redis).toEqual(expect.objectContaining({ ok: true }));
  });

  it('expires results: 410 after the TTL, then the sweep deletes the batch and its files', async () => {
    const res = await submit({ ...good, pin: '1234' }, [pdfs[2]]);
    const id = res.body.id as string;
    await finished(id);
    clock.advance(TTL_MS + 1000);
    const gone = await http().get(`/signatures/batches/${id}/items/0`).set(as(DMS));
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe('BATCH_RESULT_EXPIRED');
    const { removed } = await app.get(BatchRunner).sweep();
    expect(removed).toBeGreaterThanOrEqual(1);
    expect((await view(id)).status).toBe(404);
    expect(await readdir(join(dir, 'batches'))).not.toContain(id);
  });
});
