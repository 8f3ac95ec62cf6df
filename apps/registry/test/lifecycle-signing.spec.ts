import type { Caller } from '@kyso/common';
import { LifecycleWorld, operator, seedWorld, system, stepBody } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

describe('signing authorizations: callers and PIN lockout (real Postgres)', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;

  const authorize = async (body: { certificateId: string; actingOfficialId: string; pin: string }, caller?: Caller) => {
    const res = await reg.call('post', '/signing-authorizations', caller).send(body);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test CA');
    reg = await startRegistry(); // the default threshold: 3 wrong PINs (R32)
    w = await seedWorld(reg, pki, ca);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it("refuses a system that does not serve the official's managing agency (ORGANIZATION_NOT_SERVED)", async () => {
    const body = { certificateId: w.anCert, actingOfficialId: w.an, pin: w.anPin };
    expect(await authorize(body, system([w.other]))).toMatchObject({ allowed: false, code: 'ORGANIZATION_NOT_SERVED' });
    // The official is in a unit; the system serves the department that manages it.
    expect((await authorize(body, system([w.dept]))).allowed).toBe(true);
  });

  it('refuses an operator signing as another official (NOT_ACTING_OFFICIAL) and allows the official themselves', async () => {
    const body = { certificateId: w.anCert, actingOfficialId: w.an, pin: w.anPin };
    expect(
      await authorize(body, operator('clerk', [{ role: 'clerk', organizationId: w.dept }], w.clerk)),
    ).toMatchObject({ allowed: false, code: 'NOT_ACTING_OFFICIAL' });
    expect((await authorize(body, operator('an', [{ role: 'official', organizationId: w.dept }], w.an))).allowed).toBe(
      true,
    );
  });

  it('locks the certificate after 3 consecutive wrong PINs, until a recover-device request is fulfilled', async () => {
    const wrong = { certificateId: w.anCert, actingOfficialId: w.an, pin: '000000' };
    const right = { ...wrong, pin: w.anPin };
    expect((await authorize(wrong)).code).toBe('WRONG_PIN');
    expect((await authorize(right)).allowed).toBe(true); // a success resets the count
    expect((await authorize(wrong)).code).toBe('WRONG_PIN');
    expect((await authorize(wrong)).code).toBe('WRONG_PIN');
    const third = await authorize(wrong);
    expect(third).toMatchObject({ allowed: false, code: 'CERTIFICATE_LOCKED' });
    expect(third.messageVi).toContain('khôi phục thiết bị');
    expect(await authorize(right)).toMatchObject({ allowed: false, code: 'CERTIFICATE_LOCKED' });
    // The PIN belongs to the token: it is locked, and a new certificate on it starts locked.
    expect((await reg.get(`/devices/${w.device}`)).body.state).toBe('locked');
    const renewed = await reg.post('/certificates', {
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An', ca).pem,
      chainPem: [ca.pem],
      subjectType: 'person',
      holderOfficialId: w.an,
      organizationId: w.unit,
      deviceId: w.device,
      keyUri: 'pkcs11:token=t;object=an-renewed',
      signingPin: w.anPin,
    });
    expect(renewed.status).toBe(201);
    const onToken = { ...right, certificateId: renewed.body.id as string };
    expect(await authorize(onToken)).toMatchObject({ allowed: false, code: 'CERTIFICATE_LOCKED' });

    const created = await reg.call('post', '/requests', w.it).send({ type: 'recover-device', certificateId: w.anCert });
    const id = created.body.id;
    for (const [who, step] of [
      [w.it, 'submit'],
      [w.head, 'approve'],
      [w.it, 'send'],
    ] as const) {
      expect((await reg.call('post', `/requests/${id}/${step}`, who).send(stepBody(w, step))).status).toBe(200);
      expect((await authorize(right)).code).toBe('CERTIFICATE_LOCKED');
    }
    const sent = (await reg.get(`/requests/${id}`)).body;
    // One working day for a device recovery (R13).
    expect((new Date(sent.dueAt).getTime() - Date.now()) / 86_400_000).toBeLessThan(4);
    expect((await reg.call('post', `/requests/${id}/fulfil`, w.it).send({})).body.status).toBe('fulfilled');
    expect((await authorize(right)).allowed).toBe(true);
    expect((await reg.get(`/devices/${w.device}`)).body.state).toBe('issued');
    expect((await authorize(onToken)).allowed).toBe(true);
  });

  it('counts parallel wrong guesses atomically: never more than the limit get through to WRONG_PIN', async () => {
    const body = { certificateId: w.orgCert, actingOfficialId: w.clerk, pin: '111111' };
    const results = await Promise.all(Array.from({ length: 6 }, () => authorize(body)));
    expect(results.filter((r) => r.code === 'WRONG_PIN').length).toBe(2);
    expect(results.filter((r) => r.code === 'CERTIFICATE_LOCKED').length).toBe(4);
  });
});
