import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { INTERNAL_TOKEN_HEADER } from '@kyso/common';
import { CERTIFICATE_CHECKS_PATH, SIGNATURE_CHECKS_PATH } from '@kyso/contracts';
import { Crl } from '@kyso/pki';
import { ACCESS_MATRIX, REGISTRY_INTERNAL_ROUTES, servicePathOf, Upstream } from '../../apps/gateway/src/authz/matrix';
import { openApiPath } from '../../apps/gateway/src/openapi-merge';
import { startStack, Stack } from '../support/stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** swagger-parser in a child process (it is ESM-flavoured and mutates what it validates). */
function validateOpenApi(doc: unknown): Promise<{ valid: boolean; error?: string }> {
  const script = `const P=require('@apidevtools/swagger-parser');let s='';process.stdin.on('data',c=>s+=c).on('end',()=>P.validate(JSON.parse(s)).then(()=>process.exit(0),e=>{process.stderr.write(e.message);process.exit(1)}))`;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-e', script], { cwd: join(__dirname, '..', '..') }, (e, _out, err) =>
      resolve(e ? { valid: false, error: err || e.message } : { valid: true }),
    );
    child.stdin!.end(JSON.stringify(doc));
  });
}

/** Routes a service serves only to other Kyso services (never through the gateway). */
const INTERNAL_ONLY: Record<Exclude<Upstream, 'gateway'>, readonly string[]> = {
  registry: REGISTRY_INTERNAL_ROUTES,
  signer: ['GET /health', 'GET /health/ready'],
  // The signer's pre-signing checks: service to service only.
  verifier: ['GET /health', 'GET /health/ready', `POST ${CERTIFICATE_CHECKS_PATH}`, `POST ${SIGNATURE_CHECKS_PATH}`],
};

/**
 * Operators through the whole system: the gateway's identities and matrix, the registry's
 * lifecycle and records, the dev CA, the signer and the merged OpenAPI document.
 */
describe('operators through the gateway (issues 5 and 6 together)', () => {
  let stack: Stack;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({ operators: true });
    for (const o of stack.operators) {
      const res = await request(stack.gatewayUrl)
        .post('/api/v1/auth/login')
        .send({ username: o.username, password: o.password });
      expect(res.status).toBe(200);
      tokens[o.username] = res.body.accessToken;
    }
  });
  afterAll(() => stack?.close());

  const gw = () => request(stack.gatewayUrl);
  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });
  const binh = () => stack.demo.officials.find((o) => o.name === 'Trần Thị Bình')!;

  async function serviceDoc(url: string): Promise<Json> {
    const res = await fetch(`${url}/openapi.json`, { headers: { [INTERNAL_TOKEN_HEADER]: stack.internalToken } });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  it('serves one valid merged OpenAPI document listing every public route of every service, and the matrix knows every public registry route', async () => {
    const res = await gw().get('/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body as Json;
    expect(await validateOpenApi(doc)).toEqual({ valid: true });
    for (const rule of ACCESS_MATRIX) {
      expect({
        route: `${rule.method} ${rule.path}`,
        present: !!doc.paths[openApiPath(rule.path)]?.[rule.method.toLowerCase()],
      }).toEqual({ route: `${rule.method} ${rule.path}`, present: true });
    }
    const urls = { registry: stack.registryUrl, signer: stack.signerUrl, verifier: stack.verifierUrl } as const;
    for (const service of ['registry', 'signer', 'verifier'] as const) {
      const sdoc = await serviceDoc(urls[service]);
      const routes = Object.entries(sdoc.paths as Json).flatMap(([path, item]) =>
        METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), path, op: item[m] })),
      );
      expect(routes.length).toBeGreaterThan(service === 'registry' ? 50 : 1);
      for (const r of routes) {
        const template = r.path.replace(/\{(\w+)\}/g, ':$1');
        if (INTERNAL_ONLY[service].includes(`${r.method} ${template}`)) continue;
        // A public route the gateway's matrix does not know would be unreachable (default deny) or, worse, unguarded.
        const rule = ACCESS_MATRIX.find(
          (x) => x.upstream === service && x.method === r.method && openApiPath(servicePathOf(x)) === r.path,
        );
        expect({ service, route: `${r.method} ${r.path}`, inMatrix: !!rule }).toEqual({
          service,
          route: `${r.method} ${r.path}`,
          inMatrix: true,
        });
        // ...and the merged document shows the service's own description of it at its public path.
        const merged = doc.paths[openApiPath(rule!.path)][r.method.toLowerCase()];
        if (service === 'registry' && r.op.summary) expect(merged.summary).toBe(r.op.summary);
      }
    }
    // Internal routes never leak into the public document.
    expect(Object.keys(doc.paths).filter((p) => /ownership|signing-authorizations|audit\/events/.test(p))).toEqual([]);
  });

  it('the IT officer drafts the revocation, the agency head approves and signs the letter, the dev CA revokes; signer, CRL and audit agree', async () => {
    const b = binh();
    const draft = await gw()
      .post('/api/v1/requests')
      .set(as('tuan.hm'))
      .send({ type: 'revoke', certificateId: b.certificateId, reason: 'retirement' });
    expect([draft.status, draft.status === 201 ? draft.body.status : draft.body]).toEqual([201, 'draft']);
    const id = draft.body.id as string;
    expect((await gw().post(`/api/v1/requests/${id}/submit`).set(as('tuan.hm')).send({})).status).toBe(200);

    // An official may not approve (the head of the managing agency does): refused by the matrix.
    const byBinh = await gw().post(`/api/v1/requests/${id}/approve`).set(as('binh.tt')).send({});
    expect([byBinh.status, byBinh.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    // Nor may the IT officer who prepared it.
    expect((await gw().post(`/api/v1/requests/${id}/approve`).set(as('tuan.hm')).send({})).status).toBe(403);

    // The head approves by signing the letter to the CA with their own certificate and PIN: nobody else's PIN does.
    const director = stack.demo.officials.find((o) => o.name === 'Nguyễn Văn An')!;
    const withClerksPin = await gw()
      .post(`/api/v1/requests/${id}/approve`)
      .set(as('an.nv'))
      .send({ pin: stack.demo.clerk.pin });
    expect([withClerksPin.status, withClerksPin.body.code]).toEqual([403, 'SIGNING_NOT_ALLOWED']);
    const approved = await gw().post(`/api/v1/requests/${id}/approve`).set(as('an.nv')).send({ pin: director.pin });
    expect({
      status: approved.status,
      body:
        approved.status === 200 ? { status: approved.body.status, hasLetter: approved.body.hasLetter } : approved.body,
    }).toEqual({ status: 200, body: { status: 'approved', hasLetter: true } });
    const letter = await gw().get(`/api/v1/requests/${id}/letter`).set(as('cuc.lt')).buffer(true);
    expect(letter.status).toBe(200);

    const sent = await gw().post(`/api/v1/requests/${id}/send`).set(as('tuan.hm')).send({});
    expect([sent.status, sent.body.status]).toEqual([200, 'fulfilled']);
    const cert = await gw().get(`/api/v1/certificates/${b.certificateId}`).set(as('tuan.hm'));
    expect(cert.body).toMatchObject({ status: 'revoked' });

    // The signer refuses the revoked certificate.
    const sign = await gw()
      .post('/api/v1/signatures/pdf')
      .set({ Authorization: `Bearer ${stack.apiKey}` })
      .attach('file', readFileSync('docs/samples/cong-van.pdf'), {
        filename: 'cong-van.pdf',
        contentType: 'application/pdf',
      })
      .field('certificateId', b.certificateId)
      .field('actingOfficialId', b.id)
      .field('pin', b.pin);
    expect([sign.status, sign.body.code, sign.body.reason]).toEqual([
      403,
      'SIGNING_NOT_ALLOWED',
      'CERTIFICATE_NOT_ACTIVE',
    ]);

    // The dev CA's CRL, fetched publicly (no credentials) through the gateway, lists it.
    const crl = await gw()
      .get('/api/v1/pki/dev-ca/crl')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(crl.status).toBe(200);
    expect(crl.headers['content-type']).toMatch(/pkix-crl/);
    expect(Crl.fromDer(new Uint8Array(crl.body as Buffer)).entriesFor(cert.body.serialNumber)).toHaveLength(1);
    expect((await gw().get('/api/v1/pki/dev-ca/root.crl')).status).toBe(200);

    const verify = await gw().get('/api/v1/audit/verify').set(as('admin'));
    expect([verify.status, verify.body.ok]).toEqual([200, true]);
    const audit = await gw().get(`/api/v1/audit?entityType=certificate&entityId=${b.certificateId}`).set(as('admin'));
    // The refused signature after revocation is recorded too (signature.refused), asynchronously.
    const actions = audit.body.items.map((e: { action: string }) => e.action) as string[];
    expect(actions.filter((a) => a.startsWith('certificate.'))).toEqual([
      'certificate.registered',
      'certificate.revoked',
    ]);
  });

  it('an official sees their own records only, not another organisation’s officials', async () => {
    const b = binh();
    const list = await gw().get('/api/v1/officials').set(as('binh.tt'));
    expect(list.status).toBe(200);
    expect(list.body.map((o: { id: string }) => o.id)).toEqual([b.id]);
    const district = stack.demo.staff.find((s) => s.organizationId === stack.demo.districtOrganizationId);
    expect(district).toBeDefined();
    const other = await gw().get(`/api/v1/officials/${district!.id}`).set(as('binh.tt'));
    expect([other.status, other.body.code]).toEqual([403, 'NOT_OWN_RESOURCE']);
    const certs = await gw().get('/api/v1/certificates').set(as('binh.tt'));
    expect(certs.body.every((c: { holderOfficialId: string }) => c.holderOfficialId === b.id)).toBe(true);
    // The IT officer sees the department, not the district (a legal entity of its own).
    const staff = await gw().get('/api/v1/officials').set(as('tuan.hm'));
    expect(staff.body.some((o: { id: string }) => o.id === b.id)).toBe(true);
    expect(staff.body.some((o: { id: string }) => o.id === district!.id)).toBe(false);
  });
});
