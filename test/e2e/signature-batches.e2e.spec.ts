import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { asBuffer } from '../support/http';
import { startStack, Stack } from '../support/stack';

/**
 * Signing batches (issue 13.7) through the whole system: the gateway's routes and access rules,
 * the signer's batch worker on the SoftHSM2 token, the registry's PIN check and signing session.
 */
describe('signing batches through the gateway', () => {
  let stack: Stack;
  const letter = readFileSync('docs/samples/cong-van.pdf');

  beforeAll(async () => {
    stack = await startStack({ operators: true });
  });
  afterAll(() => stack?.close());

  const gw = () => request(stack.gatewayUrl);
  const bearer = (auth: string) => ({ Authorization: `Bearer ${auth}` });

  it('signs the documents of a batch with one PIN, fails the broken one alone, and shows it to its submitter only', async () => {
    const o = stack.demo.officials[0];
    const submitted = await gw()
      .post('/api/v1/signatures/batches')
      .set(bearer(stack.apiKey))
      .field('certificateId', o.certificateId)
      .field('actingOfficialId', o.id)
      .field('pin', o.pin)
      .attach('files', letter, { filename: 'cong-van.pdf', contentType: 'application/pdf' })
      .attach('files', Buffer.from('%PDF-1.7 broken'), { filename: 'hong.pdf', contentType: 'application/pdf' });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;

    let batch: { status: string; progress: unknown; items: { status: string; error?: { code: string } }[] } = {
      status: 'pending',
      progress: {},
      items: [],
    };
    for (let i = 0; i < 150 && batch.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = await gw().get(`/api/v1/signatures/batches/${id}`).set(bearer(stack.apiKey));
      expect(r.status).toBe(200);
      batch = r.body;
    }
    expect(batch).toMatchObject({
      status: 'done',
      progress: { done: 2, total: 2 },
      items: [{ status: 'done' }, { status: 'failed', error: { code: 'INVALID_PDF' } }],
    });

    const signed = await asBuffer(gw().get(`/api/v1/signatures/batches/${id}/items/0`).set(bearer(stack.apiKey)));
    expect(signed.status).toBe(200);
    expect(signed.headers['content-type']).toMatch(/^application\/pdf/);
    const dir = await mkdtemp(join(tmpdir(), 'kyso-e2e-batch-'));
    try {
      await writeFile(join(dir, 'signed.pdf'), signed.body as Buffer);
      const { stdout } = await promisify(execFile)('pdfsig', [join(dir, 'signed.pdf')]).catch(
        (e: { stdout: string }) => ({ stdout: e.stdout }),
      );
      expect(stdout).toContain('Signature is Valid.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // An operator of the same organisation did not submit it: as absent as a batch that never was.
    const op = stack.operators.find((x) => x.username === 'cuc.lt')!;
    const login = await gw().post('/api/v1/auth/login').send({ username: op.username, password: op.password });
    const other = await gw().get(`/api/v1/signatures/batches/${id}`).set(bearer(login.body.accessToken));
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('BATCH_NOT_FOUND');
    expect((await gw().get(`/api/v1/signatures/batches/${id}`)).status).toBe(401);
  }, 120_000);

  it('refuses a wrong PIN at submission, and a callbackUrl while no webhook outbox is configured', async () => {
    const o = stack.demo.officials[0];
    const submit = (fields: Record<string, string>) => {
      let r = gw().post('/api/v1/signatures/batches').set(bearer(stack.apiKey));
      for (const [k, v] of Object.entries({ certificateId: o.certificateId, actingOfficialId: o.id, ...fields }))
        r = r.field(k, v);
      return r.attach('files', letter, { filename: 'cong-van.pdf', contentType: 'application/pdf' });
    };
    const wrong = await submit({ pin: '000000' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'WRONG_PIN' });
    const hook = await submit({ pin: o.pin, callbackUrl: 'https://dms.example/hooks' });
    expect(hook.status).toBe(422);
    expect(hook.body.code).toBe('CALLBACK_URL_REFUSED');
  }, 60_000);
});
