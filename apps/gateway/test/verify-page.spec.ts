import request from 'supertest';
import { decodeCaller } from '@kyso/common';
import { createApiKey } from '../src/api-keys';
import { gatewayFixture } from './support';

const ID = '0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d';
const TOKEN = `${ID}.1999999999.${'A'.repeat(43)}`;

/** Issue 14: the home and verification pages, the public page's API, and the report PDF route (stub verifier). */
describe('gateway: public verification page and reports', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let base: string;
  let validateKey: string;

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_verify_page');
    ({ base } = await fx.start({ limits: { publicValidationsPerMinute: 2 } }));
    validateKey = (await createApiKey(fx.db.url, { name: 'portal', scopes: ['validate'] })).key;
    fx.verifier.handler = (req, res) => {
      const pdf = req.url.includes('report.pdf');
      res
        .writeHead(200, { 'content-type': pdf ? 'application/pdf' : 'application/json' })
        .end(pdf ? '%PDF-1.7 report' : JSON.stringify({ id: ID, status: 'done', link: { token: TOKEN } }));
    };
  });
  afterAll(() => fx?.close());
  beforeEach(() => (fx.verifier.requests.length = 0));

  it('serves the home page linking the verification page, and the page with its own files only', async () => {
    const home = await request(base).get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('href="/verify"');
    const page = await request(base).get('/verify');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'self';/,
    );
    expect(page.text).toContain('<label for="file"');
    expect(page.text).toContain('aria-live="polite"');
    expect(page.text).not.toMatch(/https?:\/\/|<script>|style="/); // no other origin, nothing inline
    for (const [file, type] of [
      ['verify.js', 'text/javascript'],
      ['verify.css', 'text/css'],
    ]) {
      const res = await request(base).get(`/verify/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(new RegExp(`^${type}`));
    }
    expect((await request(base).get('/verify/other.js')).status).toBe(404);
    expect((await request(base).get('/api/v1/verify')).status).not.toBe(200);
  });

  it('forwards a public upload without any credential, as nobody, with the keep choice', async () => {
    const res = await request(base)
      .post('/api/v1/public/validations/pdf?keep=true')
      .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
    expect(res.status).toBe(200);
    const [call] = fx.verifier.requests;
    expect(call.url).toBe('/public-validations/pdf?keep=true');
    expect(decodeCaller(call.headers['x-kyso-caller'] as string)).toMatchObject({
      kind: 'service',
      id: 'public-verification-page',
      organizationIds: [],
    });
    expect((await request(base).post('/api/v1/public/validations/pdf?keep=maybe')).status).toBe(400);
  });

  it('reads a public result and its PDF by link token, and refuses anything else without asking the verifier', async () => {
    expect((await request(base).get(`/api/v1/public/validations/${TOKEN}`)).status).toBe(200);
    const pdf = await request(base).get(`/api/v1/public/validations/${TOKEN}/report.pdf?lang=en`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(fx.verifier.requests.map((r) => r.url)).toEqual([
      `/public-validations/${TOKEN}`,
      `/public-validations/${TOKEN}/report.pdf?lang=en`,
    ]);
    fx.verifier.requests.length = 0;
    for (const bad of [ID, `${ID}.1.short`, 'x'.repeat(90)]) {
      const res = await request(base).get(`/api/v1/public/validations/${bad}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('VALIDATION_NOT_FOUND');
    }
    expect((await request(base).get(`/api/v1/public/validations/${TOKEN}/report.pdf?lang=fr`)).status).toBe(400);
    expect(fx.verifier.requests).toHaveLength(0);
  });

  it('limits public uploads per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await request(base).post('/api/v1/public/validations/pdf').attach('file', Buffer.from('%PDF'), 'a.pdf'))
          .status,
      );
    expect(statuses.slice(-1)).toEqual([429]);
  });

  it('forwards GET /validations/{id}/report.pdf with the caller, and needs a credential', async () => {
    expect((await request(base).get(`/api/v1/validations/${ID}/report.pdf`)).status).toBe(401);
    const res = await request(base)
      .get(`/api/v1/validations/${ID}/report.pdf?lang=en`)
      .set('Authorization', `Bearer ${validateKey}`);
    expect(res.status).toBe(200);
    expect(fx.verifier.requests.map((r) => r.url)).toEqual([`/validations/${ID}/report.pdf?lang=en`]);
    expect(decodeCaller(fx.verifier.requests[0].headers['x-kyso-caller'] as string)).toMatchObject({ kind: 'system' });
  });

  it('describes the new routes in the public OpenAPI document', async () => {
    const doc = (await request(base).get('/docs-json')).body;
    expect(doc.paths['/api/v1/validations/{id}/report.pdf'].get.responses['200'].content).toHaveProperty(
      'application/pdf',
    );
    expect(doc.paths['/api/v1/public/validations/pdf'].post.summary).toContain('public verification page');
    expect(doc.paths['/api/v1/public/validations/{token}/report.pdf'].get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'lang', in: 'query' })]),
    );
    expect(doc.paths['/verify'].get.summary).toContain('verification page');
  });
});
