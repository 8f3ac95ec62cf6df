import 'reflect-metadata';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { Caller, encodeCaller, WEBHOOK_QUEUE, webhookEventId, WebhookRequest, WebhookSettings } from '@kyso/common';
import { createVerifierApp } from '../src/app';
import { VerifierConfig } from '../src/config';
import { INBOUND_COMPLETED, VALIDATION_COMPLETED } from '../src/completion-webhook';
import { DevCa, generateSoftwareKey, signCms } from '@kyso/pki';
import { TEST_ROOT_PEM, unsignedPdf } from './fixtures';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { TOKEN } from './support';

const CALLBACK = 'http://127.0.0.1:4567/kyso/hooks';

/** The gateway delivers (apps/gateway/test/webhooks.spec.ts); here: what the verifier queues for it. */
describe('verifier: callbackUrl on validations', () => {
  let db: VerifierStack['db'];
  const stack = new VerifierStack('', false);
  let config: VerifierConfig;
  let base: string;
  let pdf: Buffer;
  let cms: Buffer;
  let redis: IORedis;
  let webhooks: Queue;
  const { registry, prefix } = stack;
  const settings: WebhookSettings = {
    redisUrl: 'redis://127.0.0.1:6379',
    prefix,
    allow: ['127.0.0.1'],
    attempts: 3,
    backoffMs: 100,
    timeoutMs: 1_000,
  };
  const caller = (over: Partial<Caller>) =>
    encodeCaller({
      kind: 'system',
      id: randomUUID(),
      name: 'dms',
      scopes: ['validate'],
      organizationIds: [],
      roles: [],
      officialId: null,
      webhooks: true,
      ...over,
    });
  const system = caller({});
  const systemId = JSON.parse(Buffer.from(system, 'base64url').toString()).id as string;
  const post = (at: string, who: string, query = '') =>
    request(at)
      .post(`/validations/pdf${query}`)
      .set('x-kyso-internal-token', TOKEN)
      .set('x-kyso-caller', who)
      .attach('file', pdf, 'a.pdf');
  /** The synchronous checks: inbound (the unsigned PDF is rejected, with a notice) and CMS. */
  const postInbound = (who: string, query = '') =>
    request(base)
      .post(`/validations/inbound${query}`)
      .set('x-kyso-internal-token', TOKEN)
      .set('x-kyso-caller', who)
      .attach('file', pdf, 'cong-van.pdf');
  const postCms = (who: string, query = '') =>
    request(base)
      .post(`/validations/cms${query}`)
      .set('x-kyso-internal-token', TOKEN)
      .set('x-kyso-caller', who)
      .attach('signature', cms, 'sig.p7s');
  const stored = async () => {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      return Number((await pg.query('SELECT count(*) AS n FROM verifier.validation')).rows[0].n);
    } finally {
      await pg.end();
    }
  };
  const queued = async (validationId: string, type = VALIDATION_COMPLETED): Promise<WebhookRequest | undefined> => {
    const id = webhookEventId(type, validationId);
    for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const job = await webhooks.getJob(id);
      if (job) return job.data as WebhookRequest;
    }
    return undefined;
  };

  beforeAll(async () => {
    ({ db, config, base } = await stack.start('kyso_verifier_webhooks', {
      maxUploadBytes: 256 * 1024,
      workerConcurrency: 1,
      jobAttempts: 5,
      revocation: { required: false },
      webhooks: settings,
    }));
    registry.anchors = [anchorView(TEST_ROOT_PEM)];
    pdf = await unsignedPdf();
    const ca = await DevCa.createRoot({ commonName: 'Webhook CMS Root' });
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const certificate = await ca.issue({
      subject: { CN: 'Phạm Thị D', O: 'Sở Y tế', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    cms = Buffer.from(
      await signCms(Buffer.from('Tờ trình'), {
        signer: key.signer,
        certificate,
        chain: [],
        signingTime: new Date(),
        detached: false,
      }),
    );
    redis = new IORedis(settings.redisUrl);
    webhooks = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix });
  });

  afterAll(async () => {
    await webhooks?.close();
    redis?.disconnect();
    await stack.stop();
  });

  it('queues validation.completed with the result for the system, also when the answer was already 200', async () => {
    const res = await post(base, system, `?wait=10&callbackUrl=${encodeURIComponent(CALLBACK)}`);
    expect(res.status).toBe(200);
    const job = await queued(res.body.id);
    expect(job).toMatchObject({
      systemId,
      callbackUrl: CALLBACK,
      event: { id: webhookEventId(VALIDATION_COMPLETED, res.body.id), type: VALIDATION_COMPLETED },
    });
    expect(job!.event.data).toEqual(res.body);
    expect(Number.isNaN(Date.parse(job!.event.createdAt))).toBe(false);
  });

  it('takes callbackUrl as a form field too, and queues the result once the worker is done', async () => {
    const res = await post(base, system, '?wait=0').field('callbackUrl', CALLBACK);
    expect(res.status).toBe(202);
    const job = await queued(res.body.id);
    expect(job?.callbackUrl).toBe(CALLBACK);
    expect(job?.event.data).toMatchObject({ id: res.body.id, status: 'done' });
  });

  it('queues nothing for a validation without callbackUrl', async () => {
    const res = await post(base, system, '?wait=10');
    expect(res.status).toBe(200);
    expect(await webhooks.getJob(webhookEventId(VALIDATION_COMPLETED, res.body.id))).toBeUndefined();
  });

  it.each([
    ['a loopback address not allow-listed', system, 'http://127.0.0.2:4567/hook'],
    ['a private address', system, 'http://10.1.2.3/hook'],
    ['the metadata service', system, 'http://169.254.169.254/latest'],
    ['not http(s)', system, 'file:///etc/passwd'],
    ['an operator (no webhook secret)', caller({ kind: 'operator' }), CALLBACK],
    ['a key without a webhook secret', caller({ webhooks: false }), CALLBACK],
  ])('refuses %s with 422 CALLBACK_URL_REFUSED, storing nothing', async (_what, who, url) => {
    const before = await stored();
    const res = await post(base, who, `?wait=0&callbackUrl=${encodeURIComponent(url)}`);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'CALLBACK_URL_REFUSED', field: 'callbackUrl' });
    expect(await stored()).toBe(before);
  });

  it('queues inbound.completed with the inbound answer, the callbackUrl in the query', async () => {
    const res = await postInbound(system, `?callbackUrl=${encodeURIComponent(CALLBACK)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'inbound', decision: 'rejected' });
    const job = await queued(res.body.id, INBOUND_COMPLETED);
    expect(job).toMatchObject({
      systemId,
      callbackUrl: CALLBACK,
      event: { id: webhookEventId(INBOUND_COMPLETED, res.body.id), type: INBOUND_COMPLETED },
    });
    expect(job!.event.data).toEqual(res.body);
    expect(await webhooks.getJob(webhookEventId(VALIDATION_COMPLETED, res.body.id))).toBeUndefined();
  });

  it('queues validation.completed with the CMS result, the callbackUrl as a form field', async () => {
    const res = await postCms(system).field('callbackUrl', CALLBACK);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'done', report: { signatureCount: 1 } });
    const job = await queued(res.body.id);
    expect(job).toMatchObject({ systemId, callbackUrl: CALLBACK, event: { type: VALIDATION_COMPLETED } });
    expect(job!.event.data).toEqual(res.body);
  });

  it('queues nothing for an inbound or CMS check without callbackUrl', async () => {
    const inbound = await postInbound(system);
    const cmsRes = await postCms(system);
    expect([inbound.status, cmsRes.status]).toEqual([200, 200]);
    expect(await webhooks.getJob(webhookEventId(INBOUND_COMPLETED, inbound.body.id))).toBeUndefined();
    expect(await webhooks.getJob(webhookEventId(VALIDATION_COMPLETED, cmsRes.body.id))).toBeUndefined();
  });

  it.each([
    [
      'inbound, a private address',
      () => postInbound(system, `?callbackUrl=${encodeURIComponent('http://10.1.2.3/h')}`),
    ],
    ['inbound, an operator', () => postInbound(caller({ kind: 'operator' })).field('callbackUrl', CALLBACK)],
    ['cms, the metadata service', () => postCms(system).field('callbackUrl', 'http://169.254.169.254/latest')],
    ['cms, a key without a webhook secret', () => postCms(caller({ webhooks: false }), `?callbackUrl=${CALLBACK}`)],
  ])('refuses %s with 422 CALLBACK_URL_REFUSED before checking, storing nothing', async (_what, send) => {
    const before = await stored();
    const res = await send();
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'CALLBACK_URL_REFUSED', field: 'callbackUrl' });
    expect(await stored()).toBe(before);
  });

  it('refuses a callbackUrl on the anonymous public check (422 CALLBACK_URL_NOT_SUPPORTED), storing nothing', async () => {
    const before = await stored();
    const res = await request(base)
      .post('/public-validations/pdf')
      .set('x-kyso-internal-token', TOKEN)
      .attach('file', pdf, 'a.pdf')
      .field('callbackUrl', CALLBACK);
    expect([res.status, res.body.code]).toEqual([422, 'CALLBACK_URL_NOT_SUPPORTED']);
    expect(await stored()).toBe(before);
  });

  it('refuses every callbackUrl when the service has no webhook configuration, rather than ignore it', async () => {
    const bare = await createVerifierApp({ ...config, webhooks: undefined });
    try {
      await bare.listen(0, '127.0.0.1');
      const at = (await bare.getUrl()).replace('[::1]', '127.0.0.1');
      const res = await post(at, system, `?wait=0&callbackUrl=${encodeURIComponent(CALLBACK)}`);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('CALLBACK_URL_REFUSED');
    } finally {
      await bare.close();
    }
  });
});
