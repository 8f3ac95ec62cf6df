import { readFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { readmeWebhookVerifier } from '../support/readme-webhook';
import { startStack, Stack } from '../support/stack';

/**
 * Issue 14, point 2, through the gateway: a system validates with a callbackUrl, the verifier's
 * worker queues the result, the gateway signs it with the system's secret and POSTs it to the
 * system's receiver, which checks it with the README's snippet.
 */
describe('webhooks end to end: a validation calls the system back', () => {
  let stack: Stack;
  let server: Server;
  let hook: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const verify = readmeWebhookVerifier();
  const letter = readFileSync('docs/samples/cong-van.pdf');

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kyso`;
    stack = await startStack({ webhooks: true });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((r) => server?.close(r));
  });

  /** The first delivery of an event of `type`, checked with the README's snippet, parsed. */
  const delivered = async (type: string) => {
    const find = () => received.find((d) => JSON.parse(d.body).type === type);
    for (const end = Date.now() + 60_000; !find() && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
    const delivery = find();
    expect(delivery).toBeDefined();
    expect(verify(delivery!.headers['kyso-signature'] as string, delivery!.body, stack.webhookSecret!)).toBe(true);
    const event = JSON.parse(delivery!.body);
    expect(event.id).toBe(delivery!.headers['kyso-event-id']);
    return event;
  };

  it('POSTs the signed result to the callbackUrl once the validation is done', async () => {
    const submitted = await request(stack.gatewayUrl)
      .post(`/api/v1/validations/pdf?wait=0&callbackUrl=${encodeURIComponent(hook)}`)
      .set('Authorization', `Bearer ${stack.apiKey}`)
      .attach('file', letter, { filename: 'doc.pdf', contentType: 'application/pdf' });
    expect([200, 202]).toContain(submitted.status);
    const event = await delivered('validation.completed');
    const stored = await request(stack.gatewayUrl)
      .get(`/api/v1/validations/${submitted.body.id}`)
      .set('Authorization', `Bearer ${stack.apiKey}`);
    expect(event.data).toEqual(stored.body);
    expect(event.data.status).toBe('done');
  });

  it('POSTs an inbound check’s answer as inbound.completed (callbackUrl as a form field)', async () => {
    const answer = await request(stack.gatewayUrl)
      .post('/api/v1/validations/inbound')
      .set('Authorization', `Bearer ${stack.apiKey}`)
      .attach('file', letter, { filename: 'cong-van.pdf', contentType: 'application/pdf' })
      .field('callbackUrl', hook);
    expect(answer.status).toBe(200);
    const event = await delivered('inbound.completed');
    expect(event.data).toEqual(answer.body);
  });

  it('refuses a callbackUrl on a private address with 422 through the gateway', async () => {
    const refused = await request(stack.gatewayUrl)
      .post(`/api/v1/validations/pdf?callbackUrl=${encodeURIComponent('http://192.168.1.20/kyso')}`)
      .set('Authorization', `Bearer ${stack.apiKey}`)
      .attach('file', letter, { filename: 'doc.pdf', contentType: 'application/pdf' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CALLBACK_URL_REFUSED');
  });
});
