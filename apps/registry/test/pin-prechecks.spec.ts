import { PIN_PRECHECKS_PATH, SIGNING_AUTHORIZATIONS_PATH } from '@kyso/contracts';
import { PinHasher } from '../src/certificates/pin-hasher';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert, trustCa } from './support';

const PIN = '418305';
const WRONG = '000000';

/** PIN pre-checks (issue 12.6) against the real registry and Postgres: the hasher's runs are counted (spied, not replaced). */
describe(`POST ${PIN_PRECHECKS_PATH}`, () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let org: string;
  let an: string;
  let n = 0;
  let scrypt: jest.SpyInstance;

  const certificate = async () => {
    const res = await reg.post('/certificates', {
      certificatePem: pki.leaf(`/C=VN/CN=Cán bộ ${++n}`, ca).pem,
      chainPem: [ca.pem],
      keyUri: 'pkcs11:token=kyso-test;object=k',
      subjectType: 'person',
      holderOfficialId: an,
      organizationId: org,
      signingPin: PIN,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const precheck = (certificateId: string, pin: string) => reg.post(PIN_PRECHECKS_PATH, { certificateId, pin });
  const authorize = async (certificateId: string, pin: string) => {
    const res = await reg.post(SIGNING_AUTHORIZATIONS_PATH, { certificateId, actingOfficialId: an, pin });
    expect(res.status).toBe(200);
    return res.body as { allowed: boolean; code?: string };
  };
  const failures = async (cert: string) =>
    (
      await reg.sql<{ failures: number }>(
        `SELECT failures FROM registry.certificate_pin_lock WHERE certificate_id = $1`,
        [cert],
      )
    )[0]?.failures ?? 0;
  const auditCount = async (cert: string) =>
    Number(
      (await reg.sql<{ n: string }>(`SELECT count(*) AS n FROM registry.audit_event WHERE entity_id = $1`, [cert]))[0]
        .n,
    );

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test Government CA');
    reg = await startRegistry({ pinLockoutThreshold: 3 });
    await trustCa(reg, ca);
    org = (await reg.post('/organizations', { code: 'H29.41', name: 'Sở Nội vụ Hà Nam', legalEntity: true })).body.id;
    an = (
      await reg.post('/officials', {
        fullName: 'Nguyễn Văn An',
        email: 'an.precheck@hanam.gov.vn',
        title: 'Chuyên viên',
        organizationId: org,
      })
    ).body.id;
    scrypt = jest.spyOn(reg.app.get(PinHasher), 'verify');
  });
  beforeEach(() => scrypt.mockClear());
  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('answers the same 202 without a body for a right PIN, a wrong one, an unknown or a locked certificate', async () => {
    const cert = await certificate();
    const locked = await certificate();
    await reg.sql(
      `INSERT INTO registry.certificate_pin_lock (certificate_id, failures, locked_at) VALUES ($1, 3, now())`,
      [locked],
    );
    const answers = await Promise.all([
      precheck(cert, PIN),
      precheck(cert, WRONG),
      precheck('7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', PIN),
      precheck(locked, PIN),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(202);
      expect(a.text).toBe('');
      expect(Object.keys(a.headers).sort()).toEqual(Object.keys(answers[0].headers).sort());
    }
    // Bad input is refused as any internal call's (it says nothing about a PIN).
    expect((await reg.post(PIN_PRECHECKS_PATH, { certificateId: 'abc', pin: PIN })).status).toBe(400);
    expect((await reg.post(PIN_PRECHECKS_PATH, { certificateId: cert })).body).toMatchObject({ code: 'MISSING_FIELD' });
  });

  it('counts no wrong PIN and writes nothing (many wrong pre-checks, then the right PIN signs)', async () => {
    const cert = await certificate();
    const audited = await auditCount(cert);
    for (const pin of ['1', '2', '3', '4', '5']) expect((await precheck(cert, pin)).status).toBe(202);
    expect(await failures(cert)).toBe(0);
    expect(await auditCount(cert)).toBe(audited);
    expect(await authorize(cert, PIN)).toMatchObject({ allowed: true });
  });

  it('is used by the authorisation: one scrypt run per pre-checked signature', async () => {
    const cert = await certificate();
    await precheck(cert, PIN);
    await precheck(cert, PIN); // the same check held once
    expect(await authorize(cert, PIN)).toMatchObject({ allowed: true });
    expect(scrypt).toHaveBeenCalledTimes(1);
    // Taken once: the next signature checks again.
    expect(await authorize(cert, PIN)).toMatchObject({ allowed: true });
    expect(scrypt).toHaveBeenCalledTimes(2);
  });

  it('a wrong PIN after a pre-check still counts, and locks at the threshold', async () => {
    const cert = await certificate();
    for (let i = 1; i <= 3; i++) {
      await precheck(cert, WRONG);
      const res = await authorize(cert, WRONG);
      expect(res).toMatchObject({ allowed: false, code: i < 3 ? 'WRONG_PIN' : 'CERTIFICATE_LOCKED' });
    }
    expect(scrypt).toHaveBeenCalledTimes(3);
    // Locked: the right PIN, pre-checked, is refused as before and its held outcome is never read.
    await precheck(cert, PIN);
    expect(await authorize(cert, PIN)).toMatchObject({ allowed: false, code: 'CERTIFICATE_LOCKED' });
    expect(scrypt).toHaveBeenCalledTimes(4);
  });

  it('a suspended certificate is refused for its status first, pre-checked or not', async () => {
    const cert = await certificate();
    await reg.sql(`UPDATE registry.certificate SET status = 'suspended' WHERE id = $1`, [cert]);
    await precheck(cert, WRONG);
    expect(await authorize(cert, WRONG)).toMatchObject({ allowed: false, code: 'CERTIFICATE_NOT_ACTIVE' });
    expect(await failures(cert)).toBe(0);
  });

  it('is not fooled by a PIN changed between the pre-check and the authorisation', async () => {
    const cert = await certificate();
    await precheck(cert, PIN); // right for the hash stored now
    const changed = await reg.app.get(PinHasher).hash('777777');
    await reg.sql(`UPDATE registry.certificate SET signing_pin_hash = $2 WHERE id = $1`, [cert, changed]);
    scrypt.mockClear();
    expect(await authorize(cert, PIN)).toMatchObject({ allowed: false, code: 'WRONG_PIN' });
    expect(scrypt).toHaveBeenCalledTimes(1); // checked against the new hash, not taken from the old
    expect(await failures(cert)).toBe(1);
    expect(await authorize(cert, '777777')).toMatchObject({ allowed: true });
  });

  it('never answers the PIN in any body', () => {
    for (const body of reg.bodies) expect(body).not.toContain(PIN);
  });
});
