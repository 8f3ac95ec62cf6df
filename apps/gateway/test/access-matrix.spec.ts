import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { Caller } from '@kyso/common';
import { createApiKey } from '../src/api-keys';
import { ACCESS_MATRIX, AccessRule, findRule, REGISTRY_PREFIXES } from '../src/authz/matrix';
import { openApiPath } from '../src/openapi-merge';
import { gatewayFixture, validateOpenApi } from './support';

const A = '0a000000-0000-4000-8000-00000000000a'; // a department (legal entity)
const A1 = '0a000000-0000-4000-8000-0000000000a1'; // a unit managed by A
const B = '0b000000-0000-4000-8000-00000000000b'; // another department
const SELF = '0f000000-0000-4000-8000-0000000000f1'; // the official behind the "official" operator
const OTHER = '0f000000-0000-4000-8000-0000000000f2';
/** Resource ids: "<kind> in A held by SELF" and "<kind> in B held by OTHER". */
const IN_A = '1a000000-0000-4000-8000-000000000001';
const IN_B = '1b000000-0000-4000-8000-000000000002';

type Persona = {
  name: string;
  auth: string;
  caller: Pick<Caller, 'kind' | 'scopes' | 'organizationIds' | 'officialId'> & { roles: Caller['roles'] };
};

/**
 * Every route of the matrix, for every persona, on a resource of the persona's organisation and of
 * another one, against the real gateway (real Postgres and Redis; stub services answer 200 and
 * serve /ownership). The expectation is the matrix read plainly; a few cells are also pinned by hand.
 */
describe('access matrix enforced by the gateway', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let app: NestExpressApplication;
  let base: string;
  const personas: Persona[] = [];

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_matrix');
    fx.registry.handler = (req, res) => {
      const m = /^\/ownership\/(\w+)\/([0-9a-f-]+)$/.exec(req.url);
      if (m) {
        const [, kind, id] = m;
        const org = kind === 'organization' ? (id === A1 ? A1 : id === IN_B || id === B ? B : A) : id === IN_B ? B : A;
        const managing = org === A1 ? A : org;
        const holder = kind === 'organization' ? null : id === IN_B ? OTHER : SELF;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            kind,
            id,
            organizationId: org,
            managingOrganizationId: managing,
            holderOfficialId: holder,
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    for (const s of [fx.signer, fx.verifier])
      s.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    ({ app, base } = await fx.start({ limits: { operatorPerMinute: 10_000, systemPerMinute: 10_000 } }));
    const ops: [string, Caller['roles'], string | null][] = [
      ['admin', [{ role: 'admin', organizationId: null }], null],
      ['it-officer', [{ role: 'it-officer', organizationId: A }], null],
      ['agency-head', [{ role: 'agency-head', organizationId: A }], null],
      ['clerk', [{ role: 'clerk', organizationId: A }], null],
      ['official', [{ role: 'official', organizationId: A }], SELF],
    ];
    for (const [name, roles, officialId] of ops) {
      const o = await fx.operator(app, name, roles, officialId);
      personas.push({
        name,
        auth: o.accessToken,
        caller: { kind: 'operator', scopes: [], organizationIds: [], roles, officialId },
      });
    }
    const all = ['sign', 'validate', 'registry:read', 'registry:write'] as const;
    const sysAll = await createApiKey(fx.db.url, { name: 'sys-all', scopes: [...all], organizationIds: [A] });
    personas.push({
      name: 'system(all scopes, A)',
      auth: sysAll.key,
      caller: { kind: 'system', scopes: [...all], organizationIds: [A], roles: [], officialId: null },
    });
    const sysNone = await createApiKey(fx.db.url, { name: 'sys-validate', scopes: ['validate'], organizationIds: [A] });
    personas.push({
      name: 'system(validate only, A)',
      auth: sysNone.key,
      caller: { kind: 'system', scopes: ['validate'], organizationIds: [A], roles: [], officialId: null },
    });
  });
  afterAll(() => fx?.close());

  /** The matrix, read plainly. */
  function expected(rule: AccessRule, p: Persona, where: 'A' | 'B'): boolean {
    if (rule.public) return true;
    const scoped = rule.org.kind === 'resource' || rule.org.kind === 'body';
    if (p.caller.kind === 'system')
      return !!rule.scope && p.caller.scopes.includes(rule.scope) && (!scoped || where === 'A');
    const grants = p.caller.roles.filter((g) => rule.roles.includes(g.role));
    if (!grants.length) return false;
    if (grants.some((g) => g.role === 'admin') || !scoped) return true;
    if (where === 'A' && grants.some((g) => g.role !== 'official')) return true;
    return grants.some((g) => g.role === 'official') && !!rule.officialSelf && where === 'A';
  }

  function call(rule: AccessRule, p: Persona, where: 'A' | 'B') {
    const path = rule.path.replace(/:index/g, '0').replace(/:id/g, where === 'A' ? IN_A : IN_B);
    const r = request(base)[rule.method.toLowerCase() as 'get' | 'post'](path).set('authorization', `Bearer ${p.auth}`);
    if (rule.method === 'GET') return r;
    return r.send(rule.org.kind === 'body' ? { [rule.org.field]: where === 'A' ? A1 : B } : {});
  }

  const guarded = ACCESS_MATRIX.filter((r) => !r.public && !r.path.endsWith('/auth/logout'));
  const cells = guarded.flatMap((rule) =>
    [
      'admin',
      'it-officer',
      'agency-head',
      'clerk',
      'official',
      'system(all scopes, A)',
      'system(validate only, A)',
    ].flatMap((who) => (['A', 'B'] as const).map((where) => [`${rule.method} ${rule.path}`, who, where] as const)),
  );

  it.each(cells)('%s as %s on organisation %s', async (key, who, where) => {
    const rule = ACCESS_MATRIX.find((r) => `${r.method} ${r.path}` === key)!;
    const p = personas.find((x) => x.name === who)!;
    const res = await call(rule, p, where);
    if (expected(rule, p, where)) {
      expect([401, 403]).not.toContain(res.status);
    } else {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect([
        'ROLE_NOT_ALLOWED',
        'SYSTEM_NOT_ALLOWED',
        'INSUFFICIENT_SCOPE',
        'ORGANIZATION_NOT_SERVED',
        'ORGANIZATION_NOT_COVERED',
        'NOT_OWN_RESOURCE',
      ]).toContain(res.body.code);
    }
  });

  it('pins the sensitive cells by hand', async () => {
    const as = (who: string) => personas.find((p) => p.name === who)!;
    const pin = async (method: string, path: string, who: string, where: 'A' | 'B', status: number, code?: string) => {
      const res = await call(findRule(method, path.replace(':id', IN_A))!.rule, as(who), where);
      expect({ path, who, where, status: res.status, code: res.body?.code }).toEqual({
        path,
        who,
        where,
        status,
        code: code ?? res.body?.code,
      });
    };
    await pin('POST', '/api/v1/requests/:id/approve', 'it-officer', 'A', 403, 'ROLE_NOT_ALLOWED');
    await pin('POST', '/api/v1/requests/:id/approve', 'agency-head', 'A', 200);
    await pin('POST', '/api/v1/requests/:id/approve', 'agency-head', 'B', 403, 'ORGANIZATION_NOT_COVERED');
    await pin('POST', '/api/v1/requests/:id/approve', 'system(all scopes, A)', 'A', 403, 'SYSTEM_NOT_ALLOWED');
    await pin('GET', '/api/v1/certificates/:id', 'official', 'A', 200);
    await pin('GET', '/api/v1/certificates/:id', 'official', 'B', 403, 'NOT_OWN_RESOURCE');
    await pin('GET', '/api/v1/certificates/:id', 'system(all scopes, A)', 'B', 403, 'ORGANIZATION_NOT_SERVED');
    await pin('GET', '/api/v1/certificates/:id', 'system(validate only, A)', 'A', 403, 'INSUFFICIENT_SCOPE');
    await pin('POST', '/api/v1/api-keys', 'clerk', 'A', 403, 'ROLE_NOT_ALLOWED');
    await pin('POST', '/api/v1/officials', 'it-officer', 'A', 200);
    await pin('POST', '/api/v1/officials', 'it-officer', 'B', 403, 'ORGANIZATION_NOT_COVERED');
  });

  it('forwards the caller to the registry and answers 404 for an unknown registry path', async () => {
    fx.registry.requests.length = 0;
    const admin = personas[0];
    expect(
      (await request(base).get('/api/v1/certificates/x/y/z').set('authorization', `Bearer ${admin.auth}`)).status,
    ).toBe(404);
    const res = await request(base)
      .get('/api/v1/certificates?status=active')
      .set('authorization', `Bearer ${admin.auth}`);
    expect(res.status).toBe(200);
    const got = fx.registry.requests.find((r) => r.url === '/certificates?status=active')!;
    expect(JSON.parse(Buffer.from(String(got.headers['x-kyso-caller']), 'base64url').toString())).toMatchObject({
      kind: 'operator',
      name: 'admin',
      roles: [{ role: 'admin', organizationId: null }],
    });
  });

  it('has a matrix entry for every route the gateway serves, and serves every entry', () => {
    const router = (
      app.getHttpAdapter().getInstance() as {
        router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      }
    ).router;
    const routes = router.stack
      .filter((l) => l.route)
      .flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path })));
    const infra = ['/metrics', '/openapi.json', '/docs-json', '/docs-yaml'];
    const nest = routes.filter((r) => !infra.includes(r.path) && !r.path.startsWith('/docs'));
    expect(nest.length).toBeGreaterThan(10);
    const catchAll = (p: string) =>
      REGISTRY_PREFIXES.some((x) => p === `/api/v1/${x}` || p.startsWith(`/api/v1/${x}/*`));
    for (const r of nest) {
      if (catchAll(r.path)) continue;
      expect({ route: `${r.method} ${r.path}`, rule: findRule(r.method, r.path)?.rule.path }).toEqual({
        route: `${r.method} ${r.path}`,
        rule: r.path,
      });
    }
    for (const rule of ACCESS_MATRIX) {
      const served =
        nest.some((r) => r.method === rule.method && r.path === rule.path) ||
        (rule.upstream === 'registry' && REGISTRY_PREFIXES.some((x) => rule.path.startsWith(`/api/v1/${x}`)));
      expect({ rule: `${rule.method} ${rule.path}`, served }).toEqual({
        rule: `${rule.method} ${rule.path}`,
        served: true,
      });
    }
  });

  it('serves one valid OpenAPI 3 document covering every route of the matrix', async () => {
    fx.registry.handler = ((prev) => (req, res) => {
      if (req.url === '/openapi.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            openapi: '3.0.0',
            info: { title: 'registry', version: '1' },
            paths: {
              '/certificates/{id}': {
                get: {
                  summary: 'A certificate (registry)',
                  parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
                  responses: {
                    200: {
                      description: 'ok',
                      content: { 'application/json': { schema: { $ref: '#/components/schemas/CertificateView' } } },
                    },
                  },
                },
              },
              '/ownership/{kind}/{id}': { get: { responses: { 200: { description: 'internal' } } } },
            },
            components: { schemas: { CertificateView: { type: 'object', properties: { id: { type: 'string' } } } } },
          }),
        );
        return;
      }
      prev(req, res);
    })(fx.registry.handler);
    const res = await request(base).get('/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(await validateOpenApi(doc)).toEqual({ valid: true });
    for (const rule of ACCESS_MATRIX) {
      expect({
        route: `${rule.method} ${rule.path}`,
        present: !!doc.paths[openApiPath(rule.path)]?.[rule.method.toLowerCase()],
      }).toEqual({ route: `${rule.method} ${rule.path}`, present: true });
    }
    expect(Object.keys(doc.paths).some((p) => p.includes('ownership'))).toBe(false);
    expect(doc.paths['/api/v1/certificates/{id}'].get.summary).toBe('A certificate (registry)');
    expect(doc.components.schemas.CertificateView).toBeDefined();
    expect(doc.components.securitySchemes).toMatchObject({
      apiKey: { scheme: 'bearer' },
      accessToken: { scheme: 'bearer', bearerFormat: 'JWT' },
    });
    expect(
      doc.paths['/api/v1/signatures/pdf'].post.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'),
    ).toBe(true);
    expect(doc.paths['/api/v1/auth/login'].post.responses['200'].content['application/json'].example).toHaveProperty(
      'accessToken',
    );
  });
});
