import { Client } from 'pg';
import { signingAuthorizationAnswer } from '@kyso/contracts';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert, trustCa } from './support';

const AN_PIN = '418305';
const ORG_PIN = '962057';
const UNKNOWN = '7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

describe('POST /signing-authorizations (real Postgres, in-process app)', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let org: string;
  let otherOrg: string;
  let an: string; // holder of a person certificate
  let binh: string; // official, not clerk
  let clerk: string; // văn thư of org
  let otherClerk: string; // văn thư of another organisation
  let anCert: string;
  let orgCert: string;

  const official = async (organizationId: string, fullName: string, roles?: string[]) =>
    (
      await reg.post('/officials', {
        fullName,
        email: `${Math.random().toString(36).slice(2)}@hanam.gov.vn`,
        title: 'Chuyên viên',
        organizationId,
        roles,
      })
    ).body.id as string;
  const certificate = async (body: Record<string, unknown>) => {
    const res = await reg.post('/certificates', {
      chainPem: [ca.pem],
      keyUri: 'pkcs11:token=kyso-test;object=k',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const authorize = async (certificateId: string, actingOfficialId: string, pin: string) => {
    const res = await reg.post('/signing-authorizations', { certificateId, actingOfficialId, pin });
    expect(res.status).toBe(200);
    return res.body;
  };
  const sql = async (text: string, params: unknown[]) => {
    const c = new Client({ connectionString: reg.databaseUrl });
    await c.connect();
    try {
      await c.query(text, params);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test Government CA');
    reg = await startRegistry();
    await trustCa(reg, ca);
    org = (await reg.post('/organizations', { code: 'H29.31', name: 'Sở TT&TT Hà Nam', legalEntity: true })).body.id;
    otherOrg = (await reg.post('/organizations', { code: 'H29.32', name: 'Sở Tư pháp Hà Nam', legalEntity: true })).body
      .id;
    an = await official(org, 'Nguyễn Văn An');
    binh = await official(org, 'Lê Văn Bình');
    clerk = await official(org, 'Trần Thị Cúc', ['official', 'clerk']);
    otherClerk = await official(otherOrg, 'Phạm Thị Dung', ['clerk']);
    anCert = await certificate({
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An', ca).pem,
      subjectType: 'person',
      holderOfficialId: an,
      organizationId: org,
      signingPin: AN_PIN,
    });
    orgCert = await certificate({
      certificatePem: pki.leaf('/C=VN/O=Sở TT&TT Hà Nam', ca).pem,
      subjectType: 'organization',
      organizationId: org,
      signingPin: ORG_PIN,
    });
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('allows the holder with the right PIN and returns the certificate view', async () => {
    const res = await authorize(anCert, an, AN_PIN);
    expect(res.allowed).toBe(true);
    expect(res.certificate).toMatchObject({
      id: anCert,
      status: 'active',
      holderOfficialId: an,
      subjectType: 'person',
    });
    expect(res.certificate.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(res.certificate).not.toHaveProperty('signingPinHash');
    // What the signer reads: the registry's answers keep the contract, allowed or refused.
    expect(signingAuthorizationAnswer(res, 'the registry')).toMatchObject({ allowed: true });
    expect(signingAuthorizationAnswer(await authorize(anCert, an, '000000'), 'the registry')).toMatchObject({
      allowed: false,
    });
  });

  it('refuses a wrong PIN with WRONG_PIN and its Vietnamese message', async () => {
    expect(await authorize(anCert, an, '000000')).toEqual({
      allowed: false,
      code: 'WRONG_PIN',
      message: 'The PIN is wrong.',
      messageVi: 'Mã PIN không đúng.',
    });
  });

  it("refuses someone else's personal certificate, even with the right PIN", async () => {
    expect(await authorize(anCert, binh, AN_PIN)).toMatchObject({ allowed: false, code: 'NOT_CERTIFICATE_HOLDER' });
  });

  it('allows a clerk of the organisation to sign with its certificate', async () => {
    expect((await authorize(orgCert, clerk, ORG_PIN)).allowed).toBe(true);
  });

  it('refuses the organisation certificate to an official who is not a clerk', async () => {
    const res = await authorize(orgCert, binh, ORG_PIN);
    expect(res).toMatchObject({ allowed: false, code: 'NOT_CERTIFICATE_HOLDER' });
    expect(res.messageVi).toContain('văn thư');
  });

  it('refuses the organisation certificate to a clerk of another organisation', async () => {
    expect(await authorize(orgCert, otherClerk, ORG_PIN)).toMatchObject({
      allowed: false,
      code: 'NOT_CERTIFICATE_HOLDER',
    });
  });

  it('refuses unknown certificate and unknown official', async () => {
    expect(await authorize(UNKNOWN, an, AN_PIN)).toMatchObject({ allowed: false, code: 'CERTIFICATE_NOT_FOUND' });
    expect(await authorize(anCert, UNKNOWN, AN_PIN)).toMatchObject({ allowed: false, code: 'OFFICIAL_NOT_FOUND' });
  });

  it('refuses malformed requests with 400 problem+json', async () => {
    const bad = await reg.post('/signing-authorizations', { certificateId: 'abc', actingOfficialId: an, pin: AN_PIN });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.code).toBe('INVALID_ID');
    const missing = await reg.post('/signing-authorizations', { certificateId: anCert, actingOfficialId: an });
    expect(missing.body).toMatchObject({ status: 400, code: 'MISSING_FIELD' });
    const notJson = await reg.post('/signing-authorizations', 'pin=1234');
    expect(notJson.status).toBe(400);
    const zero = await reg.post('/signing-authorizations', {
      certificateId: anCert,
      actingOfficialId: an,
      pin: AN_PIN,
      session: 0,
    });
    expect(zero.body).toMatchObject({ status: 400, code: 'INVALID_FIELD', field: 'session' });
    expect((await reg.post('/signing-authorizations', [{ certificateId: anCert }])).status).toBe(400);
    // A property the contract does not name is dropped, not refused.
    const extra = await reg.post('/signing-authorizations', {
      certificateId: anCert,
      actingOfficialId: an,
      pin: AN_PIN,
      x: 1,
    });
    expect(extra.body).toMatchObject({ allowed: true });
  });

  it('refuses an official no longer in service', async () => {
    const left = await official(org, 'Hoàng Văn Em');
    const cert = await certificate({
      certificatePem: pki.leaf('/CN=Hoàng Văn Em', ca).pem,
      subjectType: 'person',
      holderOfficialId: left,
      organizationId: org,
      signingPin: '1111',
    });
    await sql(`UPDATE registry.official SET employment_status = 'retired' WHERE id = $1`, [left]);
    expect(await authorize(cert, left, '1111')).toMatchObject({ allowed: false, code: 'OFFICIAL_NOT_ACTIVE' });
  });

  it.each([
    [
      'revoked',
      `status = 'revoked', revoked_at = now(), revocation_reason = 'keyCompromise'`,
      'revoked',
      'Chứng thư số đã bị thu hồi',
    ],
    ['suspended', `status = 'suspended'`, 'suspended', 'Chứng thư số đang bị tạm dừng'],
    [
      'expired',
      `not_before = now() - interval '2 years', not_after = now() - interval '1 day'`,
      'expired',
      'Chứng thư số đã hết hạn',
    ],
    [
      'not yet valid',
      `not_before = now() + interval '1 day', not_after = now() + interval '1 year'`,
      'not-yet-valid',
      'chưa đến thời điểm có hiệu lực',
    ],
  ])('refuses a %s certificate with CERTIFICATE_NOT_ACTIVE', async (name, set, certificateStatus, vi) => {
    const holder = await official(org, `Người ký ${name}`);
    const pin = '2468';
    const cert = await certificate({
      certificatePem: pki.leaf(`/CN=${name}`, ca).pem,
      subjectType: 'person',
      holderOfficialId: holder,
      organizationId: org,
      signingPin: pin,
    });
    expect((await authorize(cert, holder, pin)).allowed).toBe(true);
    await sql(`UPDATE registry.certificate SET ${set} WHERE id = $1`, [cert]);
    const res = await authorize(cert, holder, pin);
    expect(res).toMatchObject({ allowed: false, code: 'CERTIFICATE_NOT_ACTIVE', certificateStatus });
    expect(res.messageVi).toContain(vi);
  });

  it('never returns a PIN in any response', () => {
    expect(reg.bodies.length).toBeGreaterThan(15);
    for (const body of reg.bodies) {
      expect(body).not.toContain(AN_PIN);
      expect(body).not.toContain(ORG_PIN);
      expect(body).not.toContain('scrypt$');
    }
  });
});
