import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import request from 'supertest';
import { BullWebhookOutbox, ProblemError, webhookEvent, WebhookSettings } from '@kyso/common';
import { readmeWebhookVerifier } from '../../../test/support/readme-webhook';
import { gatewayFixture } from './support';

/** A system's webhook receiver on loopback: records every POST, answers the scripted statuses, then 200. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; body: string }[] = [];
  statuses: number[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

const verify = readmeWebhookVerifier();
const eventually = async (check: () => boolean, ms = 15_000) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
  return check();
};
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: ProblemError) => `${e.status} ${e.code}`,
  );

describe('webhooks: signed deliveries from the gateway', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let app: NestExpressApplication;
  let base: string;
  let admin: Awaited<ReturnType<typeof fx.operator>>;
  let outbox: BullWebhookOutbox;
  let receiverUrl: string;
  let key: { id: string; key: string; webhookSecret: string };
  let rotatedSecret: string | undefined;
  const receiver = new Receiver();
  const lines: string[] = [];
  const settings: WebhookSettings = {
    redisUrl: 'redis://127.0.0.1:6379',
    prefix: `kyso-test-webhooks-${randomBytes(4).toString('hex')}`,
    allow: ['127.0.0.1'],
    attempts: 3,
    backoffMs: 200,
    timeoutMs: 2_000,
  };
  const asAdmin = () => ({ authorization: `Bearer ${admin.accessToken}` });
  const event = (subject: string) => webhookEvent('validation.completed', subject, { id: subject }, new Date());

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_webhooks');
    fx.registry.handler = (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    receiverUrl = `${await receiver.start()}/kyso/hooks?token=receiver-own-token`;
    process.env.KYSO_LOG_LEVEL = 'trace';
    ({ app, base } = await fx.start({
      webhookSecretKey: randomBytes(32).toString('base64'),
      webhooks: settings,
      logDestination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }),
    }));
    delete process.env.KYSO_LOG_LEVEL;
    admin = await fx.operator(app, 'root', [{ role: 'admin', organizationId: null }]);
    outbox = new BullWebhookOutbox(settings);
    const created = await request(base)
      .post('/api/v1/api-keys')
      .set(asAdmin())
      .send({ name: 'dms', scopes: ['validate'] });
    expect(created.status).toBe(201);
    key = created.body;
  });
  afterAll(async () => {
    await outbox?.close();
    await fx?.close();
    await receiver.stop();
  });

  it('shows the webhook secret once, when the key is made', async () => {
    expect(key.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const shown = await request(base).get(`/api/v1/api-keys/${key.id}`).set(asAdmin());
    expect(shown.body).toMatchObject({ id: key.id, hasWebhookSecret: true });
    expect(JSON.stringify(shown.body)).not.toContain(key.webhookSecret);
  });

  it('POSTs the event signed as the README verifies it, and retries a 500 with the same event id', async () => {
    receiver.statuses = [500];
    const e = event('v-retry');
    await outbox.check(receiverUrl, key.id);
    await outbox.enqueue({ systemId: key.id, callbackUrl: receiverUrl, event: e });
    expect(await eventually(() => receiver.received.length >= 2)).toBe(true);
    const [first, second] = receiver.received;
    for (const r of [first, second]) {
      expect(r.headers['kyso-event-id']).toBe(e.id);
      expect(r.headers['content-type']).toBe('application/json');
      expect(JSON.parse(r.body)).toEqual(e);
      expect(verify(r.headers['kyso-signature'] as string, r.body, key.webhookSecret)).toBe(true);
      expect(verify(r.headers['kyso-signature'] as string, r.body, 'whsec_someone-else')).toBe(false);
    }
    expect(await eventually(() => lines.some((l) => l.includes(`${e.id}`) && l.includes('delivered')))).toBe(true);
  });

  it('gives up after the last attempt, and says so in the log', async () => {
    receiver.statuses = [503, 503, 503];
    const before = receiver.received.length;
    const e = event('v-down');
    await outbox.enqueue({ systemId: key.id, callbackUrl: receiverUrl, event: e });
    const gaveUp = () => lines.find((l) => l.includes(e.id) && l.includes('giving up'));
    expect(await eventually(() => !!gaveUp())).toBe(true);
    expect(gaveUp()).toContain(`attempt ${settings.attempts} failed: answered 503`);
    const tries = receiver.received.slice(before);
    expect(tries).toHaveLength(settings.attempts);
    expect(new Set(tries.map((r) => r.headers['kyso-event-id']))).toEqual(new Set([e.id]));
  });

  it('signs with the new secret only once it is rotated', async () => {
    const rotated = await request(base).post(`/api/v1/api-keys/${key.id}/webhook-secret`).set(asAdmin());
    expect(rotated.status).toBe(201);
    const fresh = rotated.body.webhookSecret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(key.webhookSecret);
    const before = receiver.received.length;
    const e = event('v-rotated');
    await outbox.enqueue({ systemId: key.id, callbackUrl: receiverUrl, event: e });
    expect(await eventually(() => receiver.received.length > before)).toBe(true);
    const got = receiver.received[before];
    expect(got.headers['kyso-event-id']).toBe(e.id);
    expect(verify(got.headers['kyso-signature'] as string, got.body, fresh)).toBe(true);
    expect(verify(got.headers['kyso-signature'] as string, got.body, key.webhookSecret)).toBe(false);
    const bySystem = await request(base)
      .post(`/api/v1/api-keys/${key.id}/webhook-secret`)
      .set({
        authorization: `Bearer ${key.key}`,
      });
    expect(bySystem.status).toBe(403);
    rotatedSecret = fresh;
  });

  it('keeps the webhook secret when the API key itself is rotated', async () => {
    const next = await request(base).post(`/api/v1/api-keys/${key.id}/rotate`).set(asAdmin()).send({});
    expect(next.status).toBe(201);
    expect(next.body.webhookSecret).toBeUndefined();
    const before = receiver.received.length;
    await outbox.enqueue({ systemId: next.body.id, callbackUrl: receiverUrl, event: event('v-next-key') });
    expect(await eventually(() => receiver.received.length > before)).toBe(true);
    const got = receiver.received[before];
    expect(verify(got.headers['kyso-signature'] as string, got.body, rotatedSecret!)).toBe(true);
  });

  it('refuses loopback and private callback URLs that are not allow-listed, with 422', async () => {
    const strict = new BullWebhookOutbox({ ...settings, allow: [] });
    try {
      for (const url of [receiverUrl, 'http://10.0.0.8/hook', 'http://169.254.169.254/', 'http://[::ffff:127.0.0.1]/'])
        expect(await refusal(strict.check(url, key.id))).toBe('422 CALLBACK_URL_REFUSED');
      expect(await refusal(strict.check('gopher://example.com/', key.id))).toBe('422 CALLBACK_URL_REFUSED');
      expect(await refusal(outbox.check(receiverUrl, ''))).toBe('422 CALLBACK_URL_REFUSED');
    } finally {
      await strict.close();
    }
  });

  it('checks the address again at delivery and gives up at once when it is refused', async () => {
    const before = receiver.received.length;
    // 127.0.0.2 is loopback too, but only 127.0.0.1 is allow-listed for the gateway's deliveries.
    const e = event('v-refused');
    await outbox.enqueue({ systemId: key.id, callbackUrl: 'http://127.0.0.2:9/hook', event: e });
    expect(await eventually(() => lines.some((l) => l.includes(e.id) && l.includes('giving up')))).toBe(true);
    const line = lines.find((l) => l.includes(e.id) && l.includes('giving up'))!;
    expect(line).toMatch(/attempt 1 failed: refused/);
    expect(receiver.received.length).toBe(before);
  });

  it('never writes a webhook secret, the API key or the callback query into the logs', () => {
    const log = lines.join('\n');
    expect(log).toContain('delivered');
    expect(rotatedSecret).toBeDefined();
    for (const secret of [key.webhookSecret, rotatedSecret!, key.key]) expect(log).not.toContain(secret);
    expect(log).not.toContain('receiver-own-token');
  });
});
