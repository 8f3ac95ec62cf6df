import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiKey } from '../src/api-keys';
import { gatewayFixture, validateOpenApi } from './support';

const ORG = '0a000000-0000-4000-8000-00000000000a';
const ID = '1a000000-0000-4000-8000-000000000001';

/**
 * The gateway's side of the contracts: answers of the registry it reads are checked (a malformed one
 * is a 502 with a stable code, never a decision taken on it), and public inputs are checked by DTOs
 * that also describe them in the OpenAPI document. Real Postgres and Redis; stub services.
 */
describe('gateway contracts', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let app: NestExpressApplication;
  let base: string;
  let admin: string;
  let readKey: string;
  let validateKey: string;
  /** What the registry stub answers to GET /ownership/...: the contract's shape unless a test changes it. */
  let ownership: (kind: string, id: string) => { type: string; body: string };
  const wellFormed = (kind: string, id: string) => ({
    type: 'application/json',
    body: JSON.stringify({ kind, id, organizationId: ORG, managingOrganizationId: ORG, holderOfficialId: null }),
  });

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_contracts');
    fx.registry.handler = (req, res) => {
      const m = /^\/ownership\/(\w+)\/([0-9a-f-]+)$/.exec(req.url);
      const answer = m ? ownership(m[1], m[2]) : { type: 'application/json', body: '{"ok":true}' };
      res.writeHead(200, { 'content-type': answer.type }).end(answer.body);
    };
    fx.verifier.handler = (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"pending"}');
    ({ app, base } = await fx.start({
      limits: { operatorPerMinute: 10_000, systemPerMinute: 10_000, loginPerMinute: 10_000, publicPerMinute: 10_000 },
    }));
    admin = `Bearer ${(await fx.operator(app, 'root', [{ role: 'admin', organizationId: null }])).accessToken}`;
    readKey = `Bearer ${(await createApiKey(fx.db.url, { name: 'r', scopes: ['registry:read'], organizationIds: [ORG] })).key}`;
    validateKey = `Bearer ${(await createApiKey(fx.db.url, { name: 'v', scopes: ['validate'], organizationIds: [ORG] })).key}`;
  });
  afterAll(() => fx?.close());
  beforeEach(() => {
    ownership = wellFormed;
    fx.registry.requests.length = 0;
    fx.verifier.requests.length = 0;
  });

  describe('answers of the registry', () => {
    it('forwards a call whose ownership answer matches the contract', async () => {
      const res = await request(base).get(`/api/v1/certificates/${ID}`).set('authorization', readKey);
      expect(res.status).toBe(200);
    });

    it.each([
      ['without the managing organisation', (kind: string, id: string) => ({ kind, id, organizationId: ORG })],
      [
        'with an organisation that is not an id',
        (kind: string, id: string) => ({
          kind,
          id,
          organizationId: 'everyone',
          managingOrganizationId: 'everyone',
          holderOfficialId: null,
        }),
      ],
      [
        'of an unknown kind',
        (_kind: string, id: string) => ({
          kind: 'planet',
          id,
          organizationId: ORG,
          managingOrganizationId: ORG,
          holderOfficialId: null,
        }),
      ],
    ])('answers 502 DEPENDENCY_MALFORMED_ANSWER for an ownership %s, and forwards nothing', async (_what, make) => {
      ownership = (kind, id) => ({ type: 'application/json', body: JSON.stringify(make(kind, id)) });
      const res = await request(base).get(`/api/v1/certificates/${ID}`).set('authorization', readKey);
      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'DEPENDENCY_MALFORMED_ANSWER' });
      expect(fx.registry.requests.map((r) => r.url)).toEqual([`/ownership/certificate/${ID}`]);
    });

    it('answers 502 DEPENDENCY_MALFORMED_ANSWER for an ownership answer that is not JSON', async () => {
      ownership = () => ({ type: 'text/html', body: '<html>proxy error</html>' });
      const res = await request(base).get(`/api/v1/certificates/${ID}`).set('authorization', readKey);
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'DEPENDENCY_MALFORMED_ANSWER' });
      expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    });
  });

  describe('public inputs', () => {
    const post = (path: string, body: unknown, auth?: string) => {
      const r = request(base).post(`/api/v1${path}`);
      return (auth ? r.set('authorization', auth) : r).send(body as object);
    };

    it.each([
      ['/auth/login', { password: 'x' }, 'MISSING_FIELD', 'username'],
      ['/auth/login', { username: '', password: 'x' }, 'MISSING_FIELD', 'username'],
      ['/auth/login', { username: 'it.nguyen', password: 42 }, 'MISSING_FIELD', 'password'],
      ['/auth/refresh', {}, 'MISSING_FIELD', 'refreshToken'],
    ])('POST %s %j answers 400 %s naming %s', async (path, body, code, field) => {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code, field });
    });

    it.each([
      [{ name: 'x', scopes: [] }, 'MISSING_FIELD', 'scopes'],
      [{ name: 'x', scopes: 'sign' }, 'MISSING_FIELD', 'scopes'],
      [{ name: 'x', scopes: ['sign', 'root'] }, 'INVALID_SCOPE', 'scopes'],
      [{ name: 'x', scopes: ['sign'], organizationIds: ['nope'] }, 'INVALID_FIELD', 'organizationIds'],
      [{ name: 'x', scopes: ['sign'], expiresAt: 'tomorrow' }, 'INVALID_FIELD', 'expiresAt'],
    ])('POST /api-keys %j answers 400 %s naming %s', async (body, code, field) => {
      const res = await post('/api-keys', body, admin);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code, field });
    });

    it('POST /api-keys/{id}/rotate refuses a date that is not one with 400 INVALID_FIELD', async () => {
      const res = await post(`/api-keys/${ID}/rotate`, { overlapUntil: 'soon' }, admin);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_FIELD', field: 'overlapUntil' });
    });

    it.each([
      [{ username: 5, password: 'long enough password' }, 'INVALID_USERNAME'],
      [{ username: 'mai.anh', password: 123456789012345 }, 'WEAK_PASSWORD'],
      [{ username: 'mai.anh', password: 'long enough password', officialId: 'x' }, 'INVALID_FIELD'],
      [{ username: 'mai.anh', password: 'long enough password', roles: [{ role: 'king' }] }, 'INVALID_ROLE'],
      // Not a list: a 500 before there were DTOs.
      [{ username: 'mai.anh', password: 'long enough password', roles: 'clerk' }, 'INVALID_FIELD'],
    ])('POST /operators %j answers 400 %s', async (body, code) => {
      const res = await post('/operators', body, admin);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
    });

    it('POST /operators/{id}/roles refuses a grant with a malformed organisation with 400 INVALID_ROLE', async () => {
      const res = await post(`/operators/${ID}/roles`, { role: 'clerk', organizationId: 'x' }, admin);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_ROLE', field: 'organizationId' });
    });

    it.each(['61', '-1', '1.5', 'soon'])(
      'POST /validations/pdf?wait=%s answers 400 INVALID_FIELD before anything reaches the verifier',
      async (wait) => {
        const res = await request(base)
          .post(`/api/v1/validations/pdf?wait=${wait}`)
          .set('authorization', validateKey)
          .attach('file', Buffer.from('%PDF-1.7\n'), 'a.pdf');
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'INVALID_FIELD', field: 'wait' });
        expect(fx.verifier.requests).toHaveLength(0);
      },
    );

    it('forwards a valid ?wait to the verifier as a number of seconds', async () => {
      const res = await request(base)
        .post('/api/v1/validations/pdf?wait=07')
        .set('authorization', validateKey)
        .attach('file', Buffer.from('%PDF-1.7\n'), 'a.pdf');
      expect(res.status).toBe(200);
      expect(fx.verifier.requests.map((r) => r.url)).toEqual(['/validations/pdf?wait=7']);
    });
  });

  it('describes the public inputs with the DTO schemas in a valid OpenAPI document', async () => {
    const doc = (await request(base).get('/docs-json')).body;
    expect(await validateOpenApi(doc)).toEqual({ valid: true });
    const bodyRef = (path: string) =>
      doc.paths[`/api/v1${path}`].post.requestBody.content['application/json'].schema.$ref;
    expect(bodyRef('/auth/login')).toBe('#/components/schemas/LoginDto');
    expect(bodyRef('/auth/refresh')).toBe('#/components/schemas/RefreshDto');
    expect(bodyRef('/api-keys')).toBe('#/components/schemas/CreateApiKeyDto');
    expect(bodyRef('/api-keys/{id}/rotate')).toBe('#/components/schemas/RotateApiKeyDto');
    expect(bodyRef('/operators')).toBe('#/components/schemas/CreateOperatorDto');
    expect(bodyRef('/operators/{id}/roles')).toBe('#/components/schemas/RoleGrantDto');
    expect(doc.components.schemas.LoginDto.required).toEqual(['username', 'password']);
    expect(doc.components.schemas.CreateApiKeyDto.properties.scopes.items.enum).toContain('registry:write');
    expect(doc.components.schemas.CreateOperatorDto.properties.roles.items.$ref).toBe(
      '#/components/schemas/RoleGrantDto',
    );
    const wait = doc.paths['/api/v1/validations/pdf'].post.parameters.find((p: { name: string }) => p.name === 'wait');
    expect(wait).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0, maximum: 60 } });
  });
});
