import 'reflect-metadata';
import { encodeCaller } from '@kyso/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Client } from 'pg';
import { poppler } from '../../../libs/pki/test-fixtures/appearance';
import { createTestDatabase } from '../../../test/support/db';
import { asBuffer } from '../../../test/support/http';
import { createVerifierApp } from '../src/app';
import { migrateVerifier } from '../src/data-source';
import { startVerifierWorker, VerifierWorkerHandle } from '../src/worker';
import { signedPdf, unsignedPdf } from './fixtures';
import { anchorView, RegistryStub } from './registry-stub';
import { dropQueueKeys, testVerifierConfig, TOKEN } from './support';

/** The readable PDF report (issue 14.3) and the public page's capability links (issue 14.4). */
describe('verifier reports', () => {
  let db: { url: string; drop: () => Promise<void> };
  const registry = new RegistryStub();
  let app: NestExpressApplication;
  let worker: VerifierWorkerHandle;
  let base: string;
  let signed: Buffer;
  const prefix = `kyso-test-${randomBytes(4).toString('hex')}`;
  const org = randomUUID();
  const caller = (organizationIds: string[]) =>
    encodeCaller({
      kind: 'system',
      id: randomUUID(),
      name: 'test',
      scopes: ['validate'],
      organizationIds,
      roles: [],
      officialId: null,
    });
  const keyA = caller([org]);
  const keyB = caller([randomUUID()]);
  const internal = (r: request.Test, who?: string) => {
    r.set('x-kyso-internal-token', TOKEN);
    return who ? r.set('x-kyso-caller', who) : r;
  };
  const pdfOf = (r: request.Test) => asBuffer(r);

  beforeAll(async () => {
    db = await createTestDatabase('kyso_verifier_report');
    await migrateVerifier(db.url);
    await registry.start();
    const made = await signedPdf();
    signed = made.pdf;
    registry.anchors = [anchorView(made.rootPem)];
    const config = testVerifierConfig({
      databaseUrl: db.url,
      registryUrl: registry.url,
      queuePrefix: prefix,
      maxUploadBytes: 1024 * 1024,
      workerConcurrency: 1,
      jobAttempts: 3,
      revocation: { required: false },
    });
    app = await createVerifierApp(config);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await startVerifierWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await registry.stop();
    await db?.drop();
    await dropQueueKeys(`${prefix}:*`);
  });

  it('gives the submitter a Vietnamese PDF report, English on request, and 404 to another organisation', async () => {
    const done = await internal(request(base).post('/validations/pdf?wait=10'), keyA).attach('file', signed, 'a.pdf');
    expect(done.body.status).toBe('done');
    const id = done.body.id as string;
    const vi = await pdfOf(internal(request(base).get(`/validations/${id}/report.pdf`), keyA));
    expect(vi.status).toBe(200);
    expect(vi.headers['content-type']).toBe('application/pdf');
    const text = poppler('pdftotext', vi.body as Buffer);
    expect(text).toContain('PHIẾU KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ');
    expect(text).toContain('Nguyễn Văn A');
    expect(text).toContain(id);
    const en = await pdfOf(internal(request(base).get(`/validations/${id}/report.pdf?lang=en`), keyA));
    expect(poppler('pdftotext', en.body as Buffer)).toContain('SIGNATURE VERIFICATION REPORT');

    const other = await internal(request(base).get(`/validations/${id}/report.pdf`), keyB);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('VALIDATION_NOT_FOUND');
    const badLang = await internal(request(base).get(`/validations/${id}/report.pdf?lang=fr`), keyA);
    expect(badLang.status).toBe(400);
  });

  it('answers a public upload with the report in words and a link that reads that one validation only', async () => {
    const res = await internal(request(base).post('/public-validations/pdf')).attach(
      'file',
      await unsignedPdf(),
      'u.pdf',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'done',
      link: { kept: false },
      readable: { vi: { mark: 'indeterminate' } },
    });
    expect(res.body.readable.vi.conclusion).toBe('Văn bản không có chữ ký số nào.');
    expect(res.body.readable.en.conclusion).toBe('The document has no digital signature.');
    const token = res.body.link.token as string;
    expect(Date.parse(res.body.link.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    const again = await internal(request(base).get(`/public-validations/${token}`));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
    const pdf = await pdfOf(internal(request(base).get(`/public-validations/${token}/report.pdf`)));
    expect(poppler('pdftotext', pdf.body as Buffer)).toContain('Văn bản không có chữ ký số nào.');

    // the document is not kept, and nobody reads the validation without the token
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const row = await c.query('SELECT document, organization_ids, caller_kind FROM verifier.validation WHERE id = $1', [
      res.body.id,
    ]);
    await c.end();
    expect(row.rows).toEqual([{ document: null, organization_ids: [], caller_kind: 'service' }]);
    expect((await internal(request(base).get(`/validations/${res.body.id}`), keyA)).status).toBe(404);
    expect((await internal(request(base).get(`/validations/${res.body.id}`))).status).toBe(404);

    const [id, expiry, secret] = token.split('.');
    const forged = [
      `${id}.${expiry}.${randomBytes(32).toString('base64url')}`,
      `${id}.${Number(expiry) + 86_400}.${secret}`, // a longer life is another owner
      `${id}.${Math.floor(Date.now() / 1000) - 1}.${secret}`,
      `${randomUUID()}.${expiry}.${secret}`,
      'not-a-token',
    ];
    for (const t of forged) {
      const r = await internal(request(base).get(`/public-validations/${t}`));
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('VALIDATION_NOT_FOUND');
    }
  });

  it('keeps the link for the retention period when the visitor asks for it', async () => {
    const res = await internal(request(base).post('/public-validations/pdf?keep=true')).attach('file', signed, 's.pdf');
    expect(res.body.link.kept).toBe(true);
    expect(Date.parse(res.body.link.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const again = await internal(request(base).get(`/public-validations/${res.body.link.token}`));
    expect(again.body.link).toEqual(res.body.link);
    expect(again.body.readable.vi.signatures[0].fields).toContainEqual(['Người ký', 'Nguyễn Văn A']);
  });
});
