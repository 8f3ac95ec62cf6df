import { Caller } from '@kyso/common';
import { signingAuthorizationAnswer, SigningSessionViewDto } from '@kyso/contracts';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert, trustCa } from './support';

const PIN = '418305';

/** Signing sessions (issue 12.4) against the real registry and Postgres. */
describe('signing sessions on POST /signing-authorizations', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let org: string;
  let an: string;
  let binh: string;
  let n = 0;

  const system = (id = 'key-1'): Caller => ({
    kind: 'system',
    id,
    name: 'HSCV',
    scopes: ['sign'],
    organizationIds: [org],
    roles: [],
    officialId: null,
  });
  const operator = (sessionId: string): Caller => ({
    kind: 'operator',
    id: 'op-an',
    name: 'an',
    scopes: [],
    organizationIds: [],
    roles: [{ role: 'official', organizationId: org }],
    officialId: an,
    sessionId,
  });
  const certificate = async (holder: string) => {
    const res = await reg.post('/certificates', {
      certificatePem: pki.leaf(`/C=VN/CN=Cán bộ ${++n}`, ca).pem,
      chainPem: [ca.pem],
      keyUri: 'pkcs11:token=kyso-test;object=k',
      subjectType: 'person',
      holderOfficialId: holder,
      organizationId: org,
      signingPin: PIN,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const authorize = async (body: Record<string, unknown>, caller: Caller = system()) => {
    const res = await reg.call('post', '/signing-authorizations', caller).send(body);
    expect(res.status).toBe(200);
    // The signer reads every answer through the contract.
    const answer = signingAuthorizationAnswer(res.body, 'the registry');
    return answer as typeof answer & { signingSession: SigningSessionViewDto };
  };
  const open = async (cert: string, uses: number, caller: Caller = system()) => {
    const res = await authorize({ certificateId: cert, actingOfficialId: an, pin: PIN, session: uses }, caller);
    expect(res).toMatchObject({ allowed: true, signingSession: { remainingUses: expect.any(Number) } });
    return res.signingSession.token as string;
  };
  const use = (cert: string, token: string, caller: Caller = system(), official = an) =>
    authorize({ certificateId: cert, actingOfficialId: official, signingSession: token }, caller);

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test Government CA');
    reg = await startRegistry({ signingSessionMaxUses: 5, pinLockoutThreshold: 3 });
    await trustCa(reg, ca);
    org = (await reg.post('/organizations', { code: 'H29.41', name: 'Sở Nội vụ Hà Nam', legalEntity: true })).body.id;
    const official = async (fullName: string) =>
      (
        await reg.post('/officials', {
          fullName,
          email: `${Math.random().toString(36).slice(2)}@hanam.gov.vn`,
          title: 'Chuyên viên',
          organizationId: org,
        })
      ).body.id as string;
    an = await official('Nguyễn Văn An');
    binh = await official('Lê Văn Bình');
  }, 60_000);

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('opens a session with the PIN and spends it one signature at a time, then refuses', async () => {
    const cert = await certificate(an);
    const token = await open(cert, 2);
    expect(token).toMatch(/^kss_[A-Za-z0-9_-]{43}$/);
    expect(await use(cert, token)).toMatchObject({ allowed: true, signingSession: { remainingUses: 1 } });
    const last = await use(cert, token);
    expect(last).toMatchObject({ allowed: true, signingSession: { remainingUses: 0 } });
    expect(last.signingSession.token).toBeUndefined();
    expect(await use(cert, token)).toMatchObject({
      allowed: false,
      code: 'SIGNING_SESSION_INVALID',
      message: expect.stringContaining('no signatures left'),
      messageVi: expect.stringContaining('Phiên ký số'),
    });
    // Only a hash is kept; the opening is in the audit log.
    const rows = await reg.sql(`SELECT token_sha256 FROM registry.signing_session WHERE certificate_id = $1`, [cert]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token.slice(4));
    const audit = await reg.sql(
      `SELECT after FROM registry.audit_event WHERE action = 'signing_session.opened' AND entity_id = $1`,
      [cert],
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token.slice(4));
  });

  it('caps the count at the configured maximum', async () => {
    const cert = await certificate(an);
    const res = await authorize({ certificateId: cert, actingOfficialId: an, pin: PIN, session: 1000 });
    expect(res.signingSession.remainingUses).toBe(5);
  });

  it('never spends more than the count under concurrent use', async () => {
    const cert = await certificate(an);
    const token = await open(cert, 5);
    const results = await Promise.all(Array.from({ length: 20 }, () => use(cert, token)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(new Set(results.filter((r) => r.allowed).map((r) => r.signingSession.remainingUses))).toEqual(
      new Set([0, 1, 2, 3, 4]),
    );
  });

  it('is bound to the certificate, the official, the calling system and the operator sign-in', async () => {
    const cert = await certificate(an);
    const other = await certificate(an);
    const token = await open(cert, 5);
    for (const r of [
      await use(other, token),
      await use(cert, token, system('key-2')),
      await use(cert, token, operator('sid-1')),
    ])
      expect(r).toMatchObject({ allowed: false, code: 'SIGNING_SESSION_INVALID' });
    // Another official is refused by the rules before the token is even looked at.
    expect(await use(cert, token, system(), binh)).toMatchObject({ allowed: false, code: 'NOT_CERTIFICATE_HOLDER' });
    // An operator's session lives with the sign-in it was opened in: a new sign-in (after logout) has another id.
    const opToken = await open(cert, 5, operator('sid-1'));
    expect(await use(cert, opToken, operator('sid-1'))).toMatchObject({ allowed: true });
    expect(await use(cert, opToken, operator('sid-2'))).toMatchObject({ code: 'SIGNING_SESSION_INVALID' });
    expect(await use(cert, 'kss_' + 'A'.repeat(43))).toMatchObject({ code: 'SIGNING_SESSION_INVALID' });
  });

  it('checks every rule at each use; a use the rules refuse costs no use', async () => {
    const cert = await certificate(an);
    const token = await open(cert, 2);
    // The same system, no longer serving the official's managing organisation.
    const moved = { ...system(), organizationIds: [binh] };
    expect(await use(cert, token, moved)).toMatchObject({ allowed: false, code: 'ORGANIZATION_NOT_SERVED' });
    await reg.sql(`UPDATE registry.official SET employment_status = 'retired' WHERE id = $1`, [an]);
    try {
      expect(await use(cert, token)).toMatchObject({ allowed: false, code: 'OFFICIAL_NOT_ACTIVE' });
    } finally {
      await reg.sql(`UPDATE registry.official SET employment_status = 'active' WHERE id = $1`, [an]);
    }
    expect(await use(cert, token)).toMatchObject({ allowed: true, signingSession: { remainingUses: 1 } });
    expect(await use(cert, token)).toMatchObject({ allowed: true, signingSession: { remainingUses: 0 } });
    expect(await use(cert, token)).toMatchObject({ code: 'SIGNING_SESSION_INVALID' });
  });

  it('dies with its lifetime', async () => {
    const cert = await certificate(an);
    const token = await open(cert, 5);
    await reg.sql(
      `UPDATE registry.signing_session SET expires_at = now() - interval '1 second' WHERE certificate_id = $1`,
      [cert],
    );
    expect(await use(cert, token)).toMatchObject({
      code: 'SIGNING_SESSION_INVALID',
      message: expect.stringContaining('expired'),
    });
  });

  it('dies with a suspension of the certificate and stays dead after it is lifted', async () => {
    const cert = await certificate(an);
    const token = await open(cert, 5);
    await reg.sql(`UPDATE registry.certificate SET status = 'suspended' WHERE id = $1`, [cert]);
    expect(await use(cert, token)).toMatchObject({ allowed: false, code: 'CERTIFICATE_NOT_ACTIVE' });
    await reg.sql(`UPDATE registry.certificate SET status = 'active' WHERE id = $1`, [cert]);
    expect(await use(cert, token)).toMatchObject({
      code: 'SIGNING_SESSION_INVALID',
      message: expect.stringContaining('ended'),
    });
  });

  it('dies with a PIN lock; wrong PINs are still counted as before', async () => {
    const cert = await certificate(an);
    const token = await open(cert, 5);
    for (let i = 0; i < 2; i++)
      expect(await authorize({ certificateId: cert, actingOfficialId: an, pin: '000000' })).toMatchObject({
        code: 'WRONG_PIN',
      });
    // A session use is no PIN attempt: it neither resets nor adds to the count.
    expect(await use(cert, token)).toMatchObject({ allowed: true });
    expect(await authorize({ certificateId: cert, actingOfficialId: an, pin: '000000' })).toMatchObject({
      code: 'CERTIFICATE_LOCKED',
    });
    expect(await use(cert, token)).toMatchObject({ allowed: false, code: 'CERTIFICATE_LOCKED' });
    const [row] = await reg.sql<{ end_reason: string }>(
      `SELECT end_reason FROM registry.signing_session WHERE certificate_id = $1`,
      [cert],
    );
    expect(row.end_reason).toBe('pin-locked');
  });

  it('refuses a request with neither PIN nor session as bad input', async () => {
    const cert = await certificate(an);
    const res = await reg
      .call('post', '/signing-authorizations', system())
      .send({ certificateId: cert, actingOfficialId: an });
    expect(res.status).toBe(400);
  });
});
