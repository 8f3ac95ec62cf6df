import request from 'supertest';
import { trustStoreSnapshotAnswer } from '@kyso/contracts';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { Certificate } from '@kyso/pki';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert, trustCa } from './support';

const PIN = '739164';
const PROBLEM = /application\/problem\+json/;

describe('registry API (real Postgres, in-process app)', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let root: TestCert;
  let orgId: string;
  let officialId: string;

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    root = pki.ca('Kyso Test Root');
    reg = await startRegistry();
    await trustCa(reg, root);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  describe('internal credential and health', () => {
    it('refuses a call without the internal token with 401 problem+json', async () => {
      const res = await request(reg.app.getHttpServer()).get('/organizations');
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('INTERNAL_CREDENTIAL_REQUIRED');
    });

    it('refuses a wrong internal token', async () => {
      const res = await request(reg.app.getHttpServer())
        .post('/signing-authorizations')
        .set('x-kyso-internal-token', 'x'.repeat(40))
        .send({});
      expect(res.status).toBe(401);
    });

    it('answers liveness and readiness without the token', async () => {
      const live = await request(reg.app.getHttpServer()).get('/health');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await request(reg.app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        checks: { postgres: { ok: true, detail: 'ok' } },
        dependencies: { postgres: { state: 'up' } },
      });
    });
  });

  describe('organisations and officials', () => {
    it('creates an organisation and a child unit, and reads them back', async () => {
      const parent = await reg.post('/organizations', {
        code: '000.00.00.H29',
        name: 'UBND tỉnh Hà Nam',
        legalEntity: true,
      });
      expect(parent.status).toBe(201);
      const child = await reg.post('/organizations', {
        code: '000.00.31.H29',
        name: 'Sở Thông tin và Truyền thông tỉnh Hà Nam',
        parentId: parent.body.id,
        address: 'Phủ Lý, Hà Nam',
        legalEntity: true,
      });
      expect(child.status).toBe(201);
      expect(child.body).toMatchObject({
        code: '000.00.31.H29',
        parentId: parent.body.id,
        address: 'Phủ Lý, Hà Nam',
        legalEntity: true,
      });
      orgId = child.body.id;
      const got = await reg.get(`/organizations/${orgId}`);
      expect(got.body.name).toBe('Sở Thông tin và Truyền thông tỉnh Hà Nam');
      const list = await reg.get('/organizations');
      expect(list.body.map((o: { id: string }) => o.id)).toEqual([parent.body.id, orgId]);
    });

    it('refuses paging numbers out of range with 400, never a database range error', async () => {
      for (const q of ['offset=99999999999999999999', 'offset=-1', 'limit=0', 'limit=501', 'offset=1.5']) {
        const res = await reg.get(`/organizations?${q}`);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
    });

    it('refuses a duplicate organisation code with 409', async () => {
      const res = await reg.post('/organizations', { code: '000.00.00.H29', name: 'again', legalEntity: false });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ORGANIZATION_CODE_EXISTS');
    });

    it('refuses an unknown parent with 422 ORGANIZATION_NOT_FOUND', async () => {
      const res = await reg.post('/organizations', {
        code: 'X1',
        name: 'x',
        legalEntity: false,
        parentId: '00000000-0000-4000-8000-000000000000',
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ORGANIZATION_NOT_FOUND');
    });

    it('names every missing field with MISSING_FIELD', async () => {
      const res = await reg.post('/organizations', { name: 'no code' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('MISSING_FIELD');
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['code', 'legalEntity']);
    });

    it('creates an official with the official role always included', async () => {
      const res = await reg.post('/officials', {
        fullName: 'Nguyễn Văn An',
        email: 'an.nv@hanam.gov.vn',
        title: 'Giám đốc',
        organizationId: orgId,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        fullName: 'Nguyễn Văn An',
        roles: ['official'],
        employmentStatus: 'active',
        organizationId: orgId,
      });
      officialId = res.body.id;
      const clerk = await reg.post('/officials', {
        fullName: 'Trần Thị Bình',
        email: 'binh@hanam.gov.vn',
        title: 'Văn thư',
        organizationId: orgId,
        roles: ['clerk'],
      });
      expect(clerk.body.roles).toEqual(['official', 'clerk']);
      const list = await reg.get(`/officials?organizationId=${orgId}`);
      expect(list.body).toHaveLength(2);
    });

    it('refuses invalid official fields with INVALID_FIELD', async () => {
      const res = await reg.post('/officials', {
        fullName: 'X',
        email: 'not-an-email',
        title: 'T',
        organizationId: orgId,
        roles: ['admin'],
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_FIELD');
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'roles']);
    });

    it('answers a malformed id with 400 INVALID_ID and an unknown one with 404', async () => {
      for (const path of [
        '/organizations/abc',
        '/officials/1',
        "/certificates/1'or'1",
        '/devices/x',
        '/trust-anchors/x',
      ]) {
        const res = await reg.get(path);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('INVALID_ID');
      }
      const unknown = '6f1c2b3a-0000-4000-8000-000000000001';
      expect((await reg.get(`/organizations/${unknown}`)).body.code).toBe('ORGANIZATION_NOT_FOUND');
      expect((await reg.get(`/officials/${unknown}`)).body.code).toBe('OFFICIAL_NOT_FOUND');
      expect((await reg.get(`/certificates/${unknown}`)).status).toBe(404);
      expect((await reg.get(`/certificates/${unknown}`)).body.code).toBe('CERTIFICATE_NOT_FOUND');
      expect((await reg.get(`/devices/${unknown}`)).body.code).toBe('DEVICE_NOT_FOUND');
    });

    it('answers an id in a body that is not a UUID with INVALID_ID', async () => {
      const res = await reg.post('/officials', {
        fullName: 'X',
        email: 'x@y.vn',
        title: 'T',
        organizationId: 'not-a-uuid',
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_ID');
    });
  });

  describe('key devices', () => {
    it('registers an issued device and refuses a duplicate serial number', async () => {
      const body = {
        serialNumber: 'EPASS-0001',
        model: 'ePass2003',
        organizationId: orgId,
        holderOfficialId: officialId,
        state: 'issued',
      };
      const res = await reg.post('/devices', body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ serialNumber: 'EPASS-0001', state: 'issued', holderOfficialId: officialId });
      expect((await reg.post('/devices', body)).body.code).toBe('DEVICE_EXISTS');
    });

    it('refuses an issued device without holder and an unknown state', async () => {
      const noHolder = await reg.post('/devices', {
        serialNumber: 'EPASS-0002',
        model: 'm',
        organizationId: orgId,
        state: 'issued',
      });
      expect(noHolder.status).toBe(400);
      expect(noHolder.body.code).toBe('INVALID_FIELD');
      const badState = await reg.post('/devices', {
        serialNumber: 'EPASS-0003',
        model: 'm',
        organizationId: orgId,
        state: 'borrowed',
      });
      expect(badState.body.code).toBe('INVALID_FIELD');
    });
  });

  describe('certificates', () => {
    let leaf: TestCert;
    let certId: string;

    beforeAll(() => {
      leaf = pki.leaf('/C=VN/O=Sở TT&TT Hà Nam/CN=Nguyễn Văn An', root);
    });

    const register = (over: Record<string, unknown> = {}) =>
      reg.post('/certificates', {
        certificatePem: leaf.pem,
        chainPem: [root.pem],
        subjectType: 'person',
        holderOfficialId: officialId,
        organizationId: orgId,
        keyUri: 'pkcs11:token=kyso-test;object=an',
        signingPin: PIN,
        ...over,
      });

    it('registers a person certificate with the fields parsed from it', async () => {
      const res = await register();
      expect(res.status).toBe(201);
      const parsed = Certificate.parse(leaf.pem);
      expect(res.body).toMatchObject({
        serialNumber: parsed.serialNumberHex,
        subject: 'CN=Nguyễn Văn An, O=Sở TT&TT Hà Nam, C=VN',
        issuer: 'CN=Kyso Test Root, O=Kyso Test, C=VN',
        notBefore: parsed.notBefore.toISOString(),
        notAfter: parsed.notAfter.toISOString(),
        status: 'active',
        subjectType: 'person',
        holderOfficialId: officialId,
        organizationId: orgId,
        deviceId: null,
        sha256: parsed.sha256Hex,
      });
      expect(Certificate.parse(res.body.certificatePem).sha256Hex).toBe(parsed.sha256Hex);
      expect(res.body.chainPem.map((p: string) => Certificate.parse(p).sha256Hex)).toEqual([
        Certificate.parse(root.pem).sha256Hex,
      ]);
      certId = res.body.id;
    });

    it('stores the PIN only as a scrypt hash', async () => {
      const c = new Client({ connectionString: reg.databaseUrl });
      await c.connect();
      const { rows } = await c.query('SELECT signing_pin_hash FROM registry.certificate WHERE id = $1', [certId]);
      await c.end();
      expect(rows[0].signing_pin_hash).toMatch(/^scrypt\$N=\d+,r=\d+,p=\d+\$/);
      expect(rows[0].signing_pin_hash).not.toContain(PIN);
    });

    it('refuses the same certificate twice with 409 CERTIFICATE_EXISTS', async () => {
      const res = await register();
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CERTIFICATE_EXISTS');
    });

    it.each([
      ['garbage', 'not a certificate'],
      ['bad base64', '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'],
      ['valid base64, not DER', '-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n'],
    ])('refuses a malformed PEM (%s) with 400 MALFORMED_CERTIFICATE', async (_name, pem) => {
      const res = await register({ certificatePem: pem });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('MALFORMED_CERTIFICATE');
    });

    it('refuses a malformed chain certificate, naming it', async () => {
      const res = await register({ certificatePem: pki.leaf('/CN=other', root).pem, chainPem: ['junk'] });
      expect(res.body).toMatchObject({ code: 'MALFORMED_CERTIFICATE', field: 'chainPem[0]' });
    });

    it('requires a holder for a person certificate', async () => {
      const res = await register({ certificatePem: pki.leaf('/CN=nobody', root).pem, holderOfficialId: undefined });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MISSING_FIELD');
    });

    it('requires an organisation for every certificate', async () => {
      const res = await register({
        certificatePem: pki.leaf('/CN=org', root).pem,
        subjectType: 'organization',
        organizationId: undefined,
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MISSING_FIELD');
    });

    it('refuses a PIN shorter than 4 characters and a key that is not a PKCS#11 URI', async () => {
      const res = await register({
        certificatePem: pki.leaf('/CN=short', root).pem,
        signingPin: '12',
        keyUri: 'file:///tmp/key.pem',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['keyUri', 'signingPin']);
    });

    it('lists certificates of a holder', async () => {
      const res = await reg.get(`/certificates?holderOfficialId=${officialId}`);
      expect(res.status).toBe(200);
      expect(res.body.map((c: { id: string }) => c.id)).toEqual([certId]);
    });

    it('reads expired once notAfter has passed, whatever is stored', async () => {
      const c = new Client({ connectionString: reg.databaseUrl });
      await c.connect();
      await c.query(
        `UPDATE registry.certificate SET not_before = now() - interval '2 days', not_after = now() - interval '1 day' WHERE id = $1`,
        [certId],
      );
      await c.end();
      const res = await reg.get(`/certificates/${certId}`);
      expect(res.body.status).toBe('expired');
    });

    it('reads a chain of several certificates back in its stored order', async () => {
      // The chain is selected as base64 text (not bytea[]): the order must survive it, both ways round.
      const ders = [root.pem, leaf.pem].map((p) => Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
      const sha = (pems: string[]) => pems.map((p) => Certificate.parse(p).sha256Hex);
      const c = new Client({ connectionString: reg.databaseUrl });
      await c.connect();
      try {
        for (const chain of [ders, [...ders].reverse(), []]) {
          await c.query('UPDATE registry.certificate SET chain_der = $2 WHERE id = $1', [certId, chain]);
          const res = await reg.get(`/certificates/${certId}`);
          expect(sha(res.body.chainPem)).toEqual(chain.map((d) => Certificate.fromDer(d).sha256Hex));
        }
      } finally {
        await c.end();
      }
    });
  });

  describe('trust anchors', () => {
    // `root` is already an anchor (the certificates above need one): these tests add another.
    let anchor: TestCert;
    beforeAll(() => {
      anchor = pki.ca('Kyso Anchor Root');
    });

    it('accepts a CA certificate with its SHA-256 fingerprint, and lists it', async () => {
      const res = await reg.post('/trust-anchors', { name: 'Kyso Anchor Root', certificatePem: anchor.pem });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Kyso Anchor Root',
        sha256: Certificate.parse(anchor.pem).sha256Hex,
        subject: 'CN=Kyso Anchor Root, O=Kyso Test, C=VN',
      });
      const list = await reg.get('/trust-anchors');
      expect(list.body).toHaveLength(2);
      // What the verifier reads: the snapshot keeps the contract.
      const snapshot = await reg.get('/trust-anchors/snapshot');
      expect(trustStoreSnapshotAnswer(snapshot.body, 'the registry').anchors).toHaveLength(2);
      expect(Certificate.parse(list.body[1].certificatePem).sha256Hex).toBe(res.body.sha256);
      expect((await reg.get(`/trust-anchors/${res.body.id}`)).body.name).toBe('Kyso Anchor Root');
    });

    it('accepts a self-signed certificate that is not a CA', async () => {
      const res = await reg.post('/trust-anchors', {
        name: 'directly trusted',
        certificatePem: pki.leaf('/CN=Self Signed').pem,
      });
      expect(res.status).toBe(201);
    });

    it('refuses a leaf issued by someone else with 400 NOT_A_CA_CERTIFICATE', async () => {
      const res = await reg.post('/trust-anchors', { name: 'leaf', certificatePem: pki.leaf('/CN=Leaf', root).pem });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('NOT_A_CA_CERTIFICATE');
    });

    it('refuses the same anchor twice and malformed input', async () => {
      expect((await reg.post('/trust-anchors', { name: 'again', certificatePem: anchor.pem })).body.code).toBe(
        'TRUST_ANCHOR_EXISTS',
      );
      expect((await reg.post('/trust-anchors', { name: 'junk', certificatePem: 'junk' })).body.code).toBe(
        'MALFORMED_CERTIFICATE',
      );
      expect((await reg.post('/trust-anchors', { certificatePem: anchor.pem })).body.code).toBe('MISSING_FIELD');
    });
  });

  // Declared last so it runs last, over every response the tests above saw.
  it('never returns the signing PIN in any response', () => {
    expect(reg.bodies.length).toBeGreaterThan(20);
    for (const body of reg.bodies) expect(body).not.toContain(PIN);
  });

  it("documents every endpoint for the gateway's OpenAPI document", () => {
    const doc = SwaggerModule.createDocument(reg.app, new DocumentBuilder().setTitle('registry').build());
    expect(Object.keys(doc.paths).sort()).toEqual(
      expect.arrayContaining([
        '/certificates',
        '/certificates/{id}',
        '/devices',
        '/officials',
        '/organizations',
        '/signing-authorizations',
        '/trust-anchors',
        '/health/ready',
      ]),
    );
    expect(JSON.stringify(doc.paths['/certificates'].post)).toContain('CERTIFICATE_EXISTS');
  });

  it('reports not-ready with 503 once Postgres is gone', async () => {
    await reg.app.get(DataSource).destroy();
    const res = await request(reg.app.getHttpServer()).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'not-ready', checks: { postgres: { ok: false } } });
  });
});
