import 'reflect-metadata';
import { Caller, encodeCaller } from '@kyso/common';
import { check, ValidationResultDto } from '@kyso/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Client } from 'pg';
import { createTestDatabase } from '../../../test/support/db';
import { createVerifierApp } from '../src/app';
import { VerifierConfig } from '../src/config';
import { migrateVerifier } from '../src/data-source';
import { BullValidationQueue } from '../src/validation-queue';
import { ValidationRepository } from '../src/validation.repository';
import { startVerifierWorker } from '../src/worker';
import { signedPdf, TEST_ROOT_PEM, unsignedPdf } from './fixtures';
import { anchorView, RegistryStub } from './registry-stub';
import { VerifierStack } from './stack';
import { TOKEN } from './support';

const MAX_UPLOAD = 256 * 1024;

describe('verifier', () => {
  let db: VerifierStack['db'];
  const stack = new VerifierStack('', false);
  let config: VerifierConfig;
  let app: NestExpressApplication;
  let base: string;
  let pdf: Buffer;
  const { registry, prefix } = stack;

  const post = (body: Buffer | undefined, query = '', filename = 'doc.pdf') => {
    const r = request(base).post(`/validations/pdf${query}`).set('x-kyso-internal-token', TOKEN);
    return body === undefined ? r.field('other', 'x') : r.attach('file', body, filename);
  };
  const get = (id: string) => request(base).get(`/validations/${id}`).set('x-kyso-internal-token', TOKEN);
  const expectProblem = (res: request.Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status, code });
    return JSON.parse(res.text);
  };
  async function pollUntilFinished(id: string, ms = 15_000): Promise<request.Response> {
    const until = Date.now() + ms;
    for (;;) {
      const res = await get(id);
      if (res.body.status !== 'pending' || Date.now() > until) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    ({ db, config, app, base } = await stack.start('kyso_verifier', {
      maxUploadBytes: MAX_UPLOAD,
      workerConcurrency: 2,
      jobAttempts: 20,
      // This file tests the API, the queue and the registry's anchors; its test CAs name no CRL or
      // OCSP URL, so revocation is not required here. revocation.spec.ts tests revocation.
      revocation: { required: false },
    }));
    registry.anchors = [anchorView(TEST_ROOT_PEM)];
    pdf = await unsignedPdf();
  });

  afterAll(async () => {
    await stack.stop(); // also the -noworker queue's
  });

  beforeEach(() => {
    registry.up = true;
  });

  it('validates an unsigned PDF within wait: 200 with an INDETERMINATE report naming no signature', async () => {
    const res = await post(pdf, '?wait=20');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'done',
      report: { conclusion: 'INDETERMINATE', signatureCount: 0, signatures: [] },
    });
    expect(res.body.report.reasons.map((r: { code: string }) => r.code)).toContain('NO_SIGNATURE');
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    // The report is kept, the document bytes are not.
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query(
      'SELECT status, document IS NULL AS gone, document_sha256, finished_at FROM verifier.validation WHERE id = $1',
      [res.body.id],
    );
    await c.end();
    expect(rows[0]).toMatchObject({ status: 'done', gone: true });
    expect(rows[0].document_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].finished_at).toBeInstanceOf(Date);
    expect(
      registry.calls.some((c) => c.url === '/trust-anchors/snapshot' && c.headers['x-kyso-internal-token'] === TOKEN),
    ).toBe(true);
    expect(res.body.report.trustStore).toEqual({
      version: registry.version,
      changedAt: expect.any(String),
      fetchedAt: expect.any(String),
    });
  });

  it('validates a signed PDF against the trust anchors the registry lists', async () => {
    const { pdf: signed, rootPem } = await signedPdf();
    const saved = registry.anchors;
    try {
      registry.anchors = [...saved, anchorView(rootPem, 'dev root')];
      const trusted = await post(signed, '?wait=20');
      expect(trusted.status).toBe(200);
      expect(trusted.body.report).toMatchObject({ conclusion: 'TOTAL-PASSED', signatureCount: 1 });
      expect(trusted.body.report.signatures[0].signer.name).toBe('Nguyễn Văn A');

      registry.anchors = saved; // the registry no longer trusts that root: a new version
      const untrusted = await post(signed, '?wait=20');
      expect(untrusted.status).toBe(200);
      expect(untrusted.body.report.trustStore.version).toBeGreaterThan(trusted.body.report.trustStore.version);
      expect(untrusted.body.report.conclusion).not.toBe('TOTAL-PASSED');
      expect(untrusted.body.report.signatures[0].indication).toBe('INDETERMINATE');
    } finally {
      registry.anchors = saved;
    }
  });

  it('answers 202 with a Location at wait=0, and GET has the report once done', async () => {
    const res = await post(pdf, '?wait=0');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'pending' });
    expect(res.headers.location).toBe(`/api/v1/validations/${res.body.id}`);
    const done = await pollUntilFinished(res.body.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: res.body.id, status: 'done', report: { conclusion: 'INDETERMINATE' } });
    // Both answers keep the contract the gateway documents.
    expect([check(ValidationResultDto, res.body).ok, check(ValidationResultDto, done.body).ok]).toEqual([true, true]);
  });

  it('refuses a text file and an empty file with problem+json', async () => {
    const text = expectProblem(await post(Buffer.from('just some text, not a PDF\n'), '', 'a.txt'), 422, 'INVALID_PDF');
    expect(text.reason).toBe('NOT_A_PDF');
    expectProblem(await post(Buffer.alloc(0)), 400, 'EMPTY_FILE');
  });

  it('reports on a damaged PDF instead of refusing it (issue 10)', async () => {
    const { pdf: signed } = await signedPdf();
    const cut = await post(signed.subarray(0, signed.length - 200), '?wait=20'); // xref and trailer lost
    expect(cut.status).toBe(200);
    expect(cut.body.status).toBe('done');
    const report = cut.body.report;
    expect(report.reasons.map((r: { code: string }) => r.code)).toContain('PDF_STRUCTURE_DAMAGED');
    expect(report.signatureCount).toBe(1); // found by scanning the bytes
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    const unsigned = await post(pdf.subarray(0, Math.floor(pdf.length / 2)), '?wait=20');
    expect(unsigned.status).toBe(200);
    expect(unsigned.body.report).toMatchObject({ conclusion: 'INDETERMINATE', signatureCount: 0 });
    expect(unsigned.body.report.reasons.map((r: { code: string }) => r.code)).toEqual([
      'NO_SIGNATURE',
      'PDF_STRUCTURE_DAMAGED',
    ]);
  });

  it('refuses a request without a file, a bad wait and an oversized file', async () => {
    expectProblem(await post(undefined), 400, 'MISSING_FIELD');
    for (const wait of ['61', 'soon', '-1', '1.5'])
      expect(expectProblem(await post(pdf, `?wait=${wait}`), 400, 'INVALID_FIELD').detail).toBe(
        'wait: wait must be a whole number of seconds from 0 to 60',
      );
    expectProblem(await post(Buffer.concat([pdf, Buffer.alloc(MAX_UPLOAD)])), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 404 for an unknown validation', async () => {
    expectProblem(await get(randomUUID()), 404, 'VALIDATION_NOT_FOUND');
    expectProblem(await get('not-a-uuid'), 404, 'VALIDATION_NOT_FOUND');
  });

  describe('ownership (issue 11): a validation is readable by its submitter and its organisations only', () => {
    const orgA = randomUUID();
    const orgB = randomUUID();
    const caller = (c: Partial<Caller> & Pick<Caller, 'kind'>): string =>
      encodeCaller({
        id: randomUUID(),
        name: 'test',
        scopes: ['validate'],
        organizationIds: [],
        roles: [],
        officialId: null,
        ...c,
      });
    const keyA = caller({ kind: 'system', organizationIds: [orgA] });
    const keyA2 = caller({ kind: 'system', organizationIds: [orgB, orgA] });
    const keyB = caller({ kind: 'system', organizationIds: [orgB] });
    const clerkA = caller({ kind: 'operator', roles: [{ role: 'clerk', organizationId: orgA }] });
    const clerkB = caller({ kind: 'operator', roles: [{ role: 'clerk', organizationId: orgB }] });
    const admin = caller({ kind: 'operator', roles: [{ role: 'admin', organizationId: null }] });
    const orphanKey = caller({ kind: 'system' });
    const otherOrphanKey = caller({ kind: 'system' });
    const postAs = (who: string) =>
      request(base)
        .post('/validations/pdf?wait=10')
        .set('x-kyso-internal-token', TOKEN)
        .set('x-kyso-caller', who)
        .attach('file', pdf, 'a.pdf');
    const getAs = (id: string, who: string) =>
      request(base).get(`/validations/${id}`).set('x-kyso-internal-token', TOKEN).set('x-kyso-caller', who);

    it('stores the submitting caller and its organisations with the validation', async () => {
      const res = await postAs(keyA);
      expect(res.status).toBe(200);
      const c = new Client({ connectionString: db.url });
      await c.connect();
      const row = await c.query(
        'SELECT organization_ids, caller_kind, caller_id FROM verifier.validation WHERE id = $1',
        [res.body.id],
      );
      await c.end();
      expect(row.rows).toEqual([
        {
          organization_ids: [orgA],
          caller_kind: 'system',
          caller_id: JSON.parse(Buffer.from(keyA, 'base64url').toString()).id,
        },
      ]);
    });

    it('lets keys and operators of the organisation read it, and answers 404 to everyone else', async () => {
      const res = await postAs(keyA);
      expect(res.body.status).toBe('done');
      const id = res.body.id as string;
      for (const who of [keyA, keyA2, clerkA]) {
        const ok = await getAs(id, who);
        expect(ok.status).toBe(200);
        expect(ok.body).toEqual(res.body);
      }
      for (const who of [keyB, clerkB, admin, orphanKey]) {
        const denied = expectProblem(await getAs(id, who), 404, 'VALIDATION_NOT_FOUND');
        // Same answer as for an id that does not exist: nothing tells the two apart.
        const unknown = expectProblem(await getAs(randomUUID(), who), 404, 'VALIDATION_NOT_FOUND');
        expect(Object.keys(denied).sort()).toEqual(Object.keys(unknown).sort());
        expect(JSON.stringify(denied)).not.toContain('report');
      }
    });

    it('an operator submits for the organisations it holds roles in', async () => {
      const res = await postAs(clerkB);
      expect((await getAs(res.body.id, keyB)).status).toBe(200);
      expectProblem(await getAs(res.body.id, keyA), 404, 'VALIDATION_NOT_FOUND');
    });

    it('a caller with no organisation reads only its own validations', async () => {
      const res = await postAs(orphanKey);
      expect((await getAs(res.body.id, orphanKey)).status).toBe(200);
      for (const who of [otherOrphanKey, keyA, admin]) {
        expectProblem(await getAs(res.body.id, who), 404, 'VALIDATION_NOT_FOUND');
      }
    });

    it('a validation stored before owners were recorded is readable by nobody', async () => {
      const res = await postAs(keyA);
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query(
        `UPDATE verifier.validation SET caller_kind = NULL, caller_id = NULL, organization_ids = '{}' WHERE id = $1`,
        [res.body.id],
      );
      await c.end();
      expectProblem(await getAs(res.body.id, keyA), 404, 'VALIDATION_NOT_FOUND');
    });
  });

  it('refuses calls without the internal credential', async () => {
    const res = await request(base).post('/validations/pdf').attach('file', pdf, 'a.pdf');
    expectProblem(res, 401, 'INTERNAL_CREDENTIAL_REQUIRED');
  });

  it('validates from the stored trust anchors while the registry is down, and names their version', async () => {
    const { pdf: signed, rootPem } = await signedPdf();
    const saved = registry.anchors;
    try {
      registry.anchors = [...saved, anchorView(rootPem, 'dev root')];
      const before = await post(signed, '?wait=20');
      registry.up = false;
      const res = await post(signed, '?wait=20');
      expect(res.status).toBe(200);
      expect(res.body.report).toMatchObject({ conclusion: 'TOTAL-PASSED', trustStore: before.body.report.trustStore });
    } finally {
      registry.anchors = saved;
    }
  });

  it('answers a validation that ended for a dependency’s sake as 503 with Retry-After, never 200 failed', async () => {
    const id = randomUUID();
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(
      `INSERT INTO verifier.validation (id, status, document_sha256, error_code, caller_kind, caller_id)
       VALUES ($1, 'failed', 'x', 'VALIDATION_UNAVAILABLE', 'service', 'internal')`,
      [id],
    );
    await c.end();
    const res = await get(id);
    expect(expectProblem(res, 503, 'VALIDATION_UNAVAILABLE')).toMatchObject({ validationId: id });
    expect(res.headers['retry-after']).toBe('5');
  });

  it('stores failed with the code when the worker cannot parse a stored document', async () => {
    // Bypass the API's structure check: the worker must still turn a bad PDF into an outcome.
    const id = randomUUID();
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(
      `INSERT INTO verifier.validation (id, status, document, document_sha256, caller_kind, caller_id)
       VALUES ($1, 'pending', $2, 'x', 'service', 'internal')`,
      [id, Buffer.from('not a pdf')],
    );
    await c.end();
    const queue = new BullValidationQueue({ redisUrl: config.redisUrl, prefix, attempts: 3, backoffMs: 100 });
    try {
      await queue.enqueue(id);
      await queue.waitFor(id, 15);
    } finally {
      await queue.close();
    }
    const res = await get(id);
    expect(res.body).toEqual({ id, status: 'failed', error: { code: 'NOT_A_PDF' } });
  });

  it('stores a big upload from its file in part rows and gives the worker the same bytes back', async () => {
    // 5 MB and a bit: the row's 1 MB slice, then five part rows (the last one partial).
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const dir = mkdtempSync(join(tmpdir(), 'kyso-verifier-big-'));
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const parts = async (id: string) =>
      (await c.query('SELECT seq FROM verifier.validation_document_part WHERE validation_id = $1 ORDER BY seq', [id]))
        .rows;
    try {
      const path = join(dir, 'big.pdf');
      writeFileSync(path, bytes);
      const repo = app.get(ValidationRepository);
      const id = randomUUID();
      const owner = { organizationIds: [], callerKind: 'service' as const, callerId: 'internal' };
      await repo.create({ id, document: { path, size: bytes.length }, documentSha256: 'x', owner });
      expect(await parts(id)).toEqual([1, 2, 3, 4, 5].map((seq) => ({ seq })));
      expect(Buffer.from((await repo.loadDocument(id))!).equals(bytes)).toBe(true);
      await repo.markFailed(id, 'TEST_DONE', new Date());
      expect(await repo.loadDocument(id)).toBeUndefined();
      expect(await parts(id)).toEqual([]);
    } finally {
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the worker back a big document stored whole in its row (before part rows)', async () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 7);
    const id = randomUUID();
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(
        `INSERT INTO verifier.validation (id, status, document, document_sha256, caller_kind, caller_id)
         VALUES ($1, 'pending', $2, 'x', 'service', 'internal')`,
        [id, bytes],
      );
    } finally {
      await c.end();
    }
    const repo = app.get(ValidationRepository);
    expect(Buffer.from((await repo.loadDocument(id))!).equals(bytes)).toBe(true);
    await repo.markFailed(id, 'TEST_DONE', new Date());
  });

  it('reports readiness of Postgres, Redis and the trust store, which a stored set keeps ready without the registry', async () => {
    const ready = await request(base).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks).sort()).toEqual(['postgres', 'redis', 'trustStore']);
    registry.up = false;
    expect((await request(base).get('/health/ready')).status).toBe(200);
    expect((await request(base).get('/health')).body).toEqual({ status: 'ok' });
  });

  describe('without a worker', () => {
    let lonely: NestExpressApplication;
    let lonelyBase: string;
    beforeAll(async () => {
      // No fast path either: this is what a caller sees of the queue when no worker takes its jobs.
      lonely = await createVerifierApp({ ...config, queuePrefix: `${prefix}:noworker`, fastPathMaxBytes: 0 });
      await lonely.listen(0, '127.0.0.1');
      lonelyBase = (await lonely.getUrl()).replace('[::1]', '127.0.0.1');
    });
    afterAll(() => lonely?.close());

    it('answers 202 pending after waiting, and the validation stays pending', async () => {
      const started = Date.now();
      const res = await request(lonelyBase)
        .post('/validations/pdf?wait=1')
        .set('x-kyso-internal-token', TOKEN)
        .attach('file', pdf, 'a.pdf');
      expect(res.status).toBe(202);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(res.body.status).toBe('pending');
      const again = await request(lonelyBase).get(`/validations/${res.body.id}`).set('x-kyso-internal-token', TOKEN);
      expect(again.body).toEqual({ id: res.body.id, status: 'pending' });
    });
  });

  describe('a new verifier whose registry is away (no stored anchors)', () => {
    let fresh: NestExpressApplication;
    let freshBase: string;
    let freshDb: { url: string; drop: () => Promise<void> };
    const away = new RegistryStub();
    beforeAll(async () => {
      freshDb = await createTestDatabase('kyso_verifier_fresh');
      await migrateVerifier(freshDb.url);
      await away.start();
      away.up = false;
      fresh = await createVerifierApp({ ...config, databaseUrl: freshDb.url, registryUrl: away.url });
      await fresh.listen(0, '127.0.0.1');
      freshBase = (await fresh.getUrl()).replace('[::1]', '127.0.0.1');
    });

    it('is not ready until it has a set', async () => {
      const notReady = await request(freshBase).get('/health/ready');
      expect(notReady.status).toBe(503);
      expect(notReady.body.checks).toMatchObject({ trustStore: { ok: false }, postgres: { ok: true } });
    });
    afterAll(async () => {
      await fresh?.close();
      await away.stop();
      await freshDb?.drop();
    });

    it('refuses a validation with 503 TRUST_STORE_UNAVAILABLE and Retry-After, storing nothing', async () => {
      const res = await request(freshBase)
        .post('/validations/pdf?wait=1')
        .set('x-kyso-internal-token', TOKEN)
        .attach('file', pdf, 'a.pdf');
      expect(expectProblem(res, 503, 'TRUST_STORE_UNAVAILABLE').messageVi).toMatch(/thử lại/);
      expect(res.headers['retry-after']).toBe('5');
      const c = new Client({ connectionString: freshDb.url });
      await c.connect();
      const { rows } = await c.query('SELECT count(*)::int AS n FROM verifier.validation');
      await c.end();
      expect(rows[0].n).toBe(0);
      away.up = true;
      away.anchors = [anchorView(TEST_ROOT_PEM)];
      const served = await request(freshBase)
        .post('/validations/pdf?wait=0')
        .set('x-kyso-internal-token', TOKEN)
        .attach('file', pdf, 'a.pdf');
      expect(served.status).toBe(202);
      away.up = false;
    });

    it('ends a job that found no anchors through every retry as 503 VALIDATION_UNAVAILABLE, not 200 failed', async () => {
      const c = new Client({ connectionString: freshDb.url });
      await c.connect();
      await c.query('TRUNCATE verifier.trust_store, verifier.trust_store_anchor');
      const id = randomUUID();
      await c.query(
        `INSERT INTO verifier.validation (id, status, document, document_sha256, caller_kind, caller_id)
         VALUES ($1, 'pending', $2, 'x', 'service', 'internal')`,
        [id, pdf],
      );
      await c.end();
      const lonelyPrefix = `${prefix}:fresh`;
      const freshWorker = await startVerifierWorker({
        ...config,
        databaseUrl: freshDb.url,
        registryUrl: away.url,
        queuePrefix: lonelyPrefix,
        jobAttempts: 2,
      });
      try {
        const queue = new BullValidationQueue({
          redisUrl: config.redisUrl,
          prefix: lonelyPrefix,
          attempts: 2,
          backoffMs: 100,
        });
        try {
          await queue.enqueue(id);
          await queue.waitFor(id, 15);
        } finally {
          await queue.close();
        }
        // The worker marks it when it hears of the last failure, just after the queue's event.
        let res: request.Response;
        for (let tries = 0; ; tries++) {
          res = await request(freshBase).get(`/validations/${id}`).set('x-kyso-internal-token', TOKEN);
          if (res.status !== 200 || tries > 50) break;
          expect(res.body.status).toBe('pending');
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(expectProblem(res, 503, 'VALIDATION_UNAVAILABLE')).toMatchObject({ validationId: id });
        expect(res.headers['retry-after']).toBe('5');
      } finally {
        await freshWorker.close();
      }
    });
  });
});
