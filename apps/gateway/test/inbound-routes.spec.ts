import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { decodeCaller } from '@kyso/common';
import { createApiKey } from '../src/api-keys';
import { gatewayFixture, validateOpenApi } from './support';

/**
 * The gateway's routes of issue 14 (inbound checks, their notice, the validation history): who may call
 * them, and that they reach the verifier as sent (multipart body, query string, PDF answer).
 */
describe('gateway: inbound checks and the validation history', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let base: string;
  let clerk: string;
  let official: string;
  let validateKey: string;
  const org = randomUUID();

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_inbound');
    const { app, base: url } = await fx.start();
    base = url;
    clerk = (await fx.operator(app, 'vanthu', [{ role: 'clerk', organizationId: org }])).accessToken;
    official = (await fx.operator(app, 'canbo', [{ role: 'official', organizationId: org }], randomUUID())).accessToken;
    validateKey = (await createApiKey(fx.db.url, { name: 'dms', scopes: ['validate'], organizationIds: [org] })).key;
  });
  afterAll(() => fx?.close());
  beforeEach(() => (fx.verifier.requests.length = 0));

  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it('forwards a clerk’s inbound package to the verifier with the clerk as caller; an official may not check', async () => {
    fx.verifier.handler = (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ decision: 'rejected' }));
    const res = await request(base)
      .post('/api/v1/validations/inbound')
      .set(bearer(clerk))
      .attach('file', Buffer.from('<edXMLEnvelope/>'), 'goi-tin.edxml')
      .field('sender', '{}');
    expect([res.status, res.body.decision]).toEqual([200, 'rejected']);
    const seen = fx.verifier.requests[0];
    expect(seen.url).toBe('/validations/inbound');
    expect(seen.body.toString()).toContain('<edXMLEnvelope/>');
    expect(decodeCaller(seen.headers['x-kyso-caller'] as string)).toMatchObject({ kind: 'operator', name: 'vanthu' });

    const denied = await request(base)
      .post('/api/v1/validations/inbound')
      .set(bearer(official))
      .attach('file', Buffer.from('<x/>'), 'x.xml');
    expect([denied.status, denied.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect(fx.verifier.requests).toHaveLength(1);
  });

  it('passes the history’s filters and cursor to the verifier, and the notice PDF back as a PDF', async () => {
    fx.verifier.handler = (req, res) =>
      req.url.includes('notice.pdf')
        ? res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7 notice')
        : res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ items: [], nextCursor: null }));
    const list = await request(base)
      .get('/api/v1/validations?kind=inbound&result=rejected&limit=2')
      .set(bearer(official));
    expect(list.status).toBe(200);
    const id = randomUUID();
    const pdf = await request(base).get(`/api/v1/validations/${id}/notice.pdf`).set(bearer(validateKey)).buffer(true);
    expect([pdf.status, pdf.headers['content-type']]).toEqual([200, 'application/pdf']);
    expect(fx.verifier.requests.map((r) => r.url)).toEqual([
      '/validations?kind=inbound&result=rejected&limit=2',
      `/validations/${id}/notice.pdf`,
    ]);
  });

  it('forwards callbackUrl (query) of inbound and CMS checks to the verifier, other query parameters not', async () => {
    fx.verifier.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const hook = 'https://dms.example/kyso/hooks?a=1&b=2';
    for (const [path, field] of [
      ['inbound', 'file'],
      ['cms', 'signature'],
    ]) {
      const res = await request(base)
        .post(`/api/v1/validations/${path}?callbackUrl=${encodeURIComponent(hook)}&other=1`)
        .set(bearer(validateKey))
        .attach(field, Buffer.from('x'), 'x.bin')
        .field('callbackUrl', hook);
      expect(res.status).toBe(200);
    }
    const q = `?${new URLSearchParams({ callbackUrl: hook })}`;
    expect(fx.verifier.requests.map((r) => r.url)).toEqual([`/validations/inbound${q}`, `/validations/cms${q}`]);
    // The form field travels in the body, as for /validations/pdf.
    expect(fx.verifier.requests[1].body.toString()).toContain(hook);
  });

  it('refuses callbackUrl on a route that sends no webhook (422 CALLBACK_URL_NOT_SUPPORTED), never dropping it', async () => {
    for (const call of [
      request(base).get(`/api/v1/validations?callbackUrl=https://dms.example/h`).set(bearer(official)),
      request(base)
        .post('/api/v1/signatures/pdf?callbackUrl=https://dms.example/h')
        .set(bearer(clerk))
        .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf'),
    ]) {
      const res = await call;
      expect([res.status, res.body.code, res.body.field]).toEqual([422, 'CALLBACK_URL_NOT_SUPPORTED', 'callbackUrl']);
    }
    expect(fx.verifier.requests).toHaveLength(0);
    expect(fx.signer.requests).toHaveLength(0);
  });

  it('documents the routes in a valid OpenAPI document', async () => {
    for (const path of ['inbound', 'cms', 'pdf'])
      expect(
        (await request(base).get('/docs-json')).body.paths[`/api/v1/validations/${path}`].post.parameters.map(
          (p: { name: string }) => p.name,
        ),
      ).toContain('callbackUrl');
    const doc = (await request(base).get('/docs-json')).body;
    expect(doc.paths['/api/v1/validations/inbound'].post.responses['200']).toBeDefined();
    expect(doc.paths['/api/v1/validations'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'result', 'kind', 'who', 'limit', 'cursor']),
    );
    expect(doc.paths['/api/v1/validations/{id}/notice.pdf'].get).toBeDefined();
    expect(await validateOpenApi(doc)).toEqual({ valid: true });
  });
});
