import type { Caller } from '@kyso/common';
import { LifecycleWorld, seedWorld, stepBody } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

/** Issue 11 point 8: suspended certificates, re-issue keys and the validity limits at fulfilment (manual connector). */
describe('lifecycle rules of Decree 68 at request and fulfilment (real Postgres)', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;

  const call = (caller: Caller, path: string, body: unknown = {}) =>
    reg.call('post', path, caller).send(body as object);
  /** A person certificate of a new official of the unit, with its key. */
  const personCert = async (name: string) => {
    const official = (
      await reg.post('/officials', {
        fullName: name,
        email: `${Math.random().toString(36).slice(2)}@hue.gov.vn`,
        title: 'Chuyên viên',
        organizationId: w.unit,
      })
    ).body.id as string;
    const leaf = pki.leaf(`/C=VN/CN=${name}`, ca);
    const res = await reg.post('/certificates', {
      certificatePem: leaf.pem,
      chainPem: [ca.pem],
      subjectType: 'person',
      holderOfficialId: official,
      organizationId: w.unit,
      keyUri: `pkcs11:object=${Math.random().toString(36).slice(2)}`,
      signingPin: '135790',
    });
    expect(res.status).toBe(201);
    return { official, id: res.body.id as string, keyPem: leaf.keyPem, name };
  };
  /** Creates and walks a request up to `sent`. */
  const sent = async (body: Record<string, unknown>) => {
    const r = await call(w.it, '/requests', body);
    expect([r.status, r.body.code]).toEqual([201, undefined]);
    for (const [who, step] of [
      [w.it, 'submit'],
      [w.head, 'approve'],
      [w.it, 'send'],
    ] as const)
      expect((await call(who, `/requests/${r.body.id}/${step}`, stepBody(w, step))).status).toBe(200);
    return r.body.id as string;
  };
  const auditActions = async (entityId: string) =>
    ((await reg.get(`/audit?entityType=certificate&entityId=${entityId}`)).body.items as { action: string }[]).map(
      (e) => e.action,
    );

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Rules Test CA', 3650);
    reg = await startRegistry({ caConnector: 'manual', holidays: [] });
    w = await seedWorld(reg, pki, ca);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('refuses to renew or change a suspended certificate, in English and Vietnamese', async () => {
    const c = await personCert('Vũ Thị Hoa');
    expect((await call(w.admin, `/certificates/${c.id}/suspend`)).status).toBe(200);
    for (const body of [
      { type: 'renew', certificateId: c.id },
      { type: 'change', certificateId: c.id, reason: 'person-transferred' },
    ]) {
      const res = await call(w.it, '/requests', body);
      expect([res.status, res.body.code]).toEqual([409, 'CERTIFICATE_SUSPENDED']);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.messageVi).toContain('tạm dừng');
    }
  });

  it('refuses at fulfilment a renewal whose certificate was suspended after it was sent', async () => {
    const c = await personCert('Đặng Văn Khoa');
    const r = await sent({ type: 'renew', certificateId: c.id });
    expect((await call(w.admin, `/certificates/${c.id}/suspend`)).status).toBe(200);
    const res = await call(w.it, `/requests/${r}/fulfil`, {
      certificatePem: pki.leaf(`/C=VN/CN=${c.name}`, ca, 730).pem,
      chainPem: [ca.pem],
    });
    expect([res.status, res.body.code]).toEqual([409, 'CERTIFICATE_SUSPENDED']);
    expect((await reg.get(`/requests/${r}`)).body.status).toBe('sent');
  });

  it('applies the renewal limit (+3 years) to the CA answer and records what the certificate renews', async () => {
    const c = await personCert('Mai Văn Lộc');
    const r = await sent({ type: 'renew', certificateId: c.id });
    const tooLong = await call(w.it, `/requests/${r}/fulfil`, {
      certificatePem: pki.leaf(`/C=VN/CN=${c.name}`, ca, 365 * 5).pem,
      chainPem: [ca.pem],
    });
    expect([tooLong.status, tooLong.body.code]).toEqual([422, 'RENEWAL_EXTENDS_TOO_LONG']);
    const ok = await call(w.it, `/requests/${r}/fulfil`, {
      certificatePem: pki.leaf(`/C=VN/CN=${c.name}`, ca, 365 * 3).pem,
      chainPem: [ca.pem],
    });
    expect([ok.status, ok.body.status]).toEqual([200, 'fulfilled']);
    expect(ok.body.result).toMatchObject({ renews: c.id });
    const renewed = (await reg.get(`/certificates/${ok.body.result.certificateId}`)).body;
    expect(renewed).toMatchObject({ renewalOfId: c.id, holderOfficialId: c.official, status: 'active' });
    expect(await auditActions(renewed.id)).toContain('certificate.issued');
  });

  it('applies the 5-year limit to a newly issued certificate', async () => {
    const r = await sent({
      type: 'issue',
      officialId: w.an,
      details: { subjectType: 'person', keyUri: 'pkcs11:object=an-new' },
    });
    const res = await call(w.it, `/requests/${r}/fulfil`, {
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An', ca, 365 * 6).pem,
      chainPem: [ca.pem],
      signingPin: '975310',
    });
    expect([res.status, res.body.code]).toEqual([422, 'VALIDITY_TOO_LONG']);
  });

  it('re-issues only over a new key, and records what the new certificate replaces', async () => {
    const c = await personCert('Lý Thị Nga');
    expect((await call(w.admin, `/certificates/${c.id}/revoke`, { reason: 'keyCompromise' })).status).toBe(200);
    const r = await sent({ type: 'reissue', certificateId: c.id, details: { keyUri: 'pkcs11:object=nga-2' } });
    const sameKey = await call(w.it, `/requests/${r}/fulfil`, {
      certificatePem: pki.leafForKey(`/C=VN/CN=${c.name}`, c.keyPem, ca),
      chainPem: [ca.pem],
      signingPin: '864201',
    });
    expect([sameKey.status, sameKey.body.code]).toEqual([422, 'REISSUE_NEEDS_NEW_KEY']);
    expect(sameKey.body.messageVi).toContain('cặp khóa mới');
    const ok = await call(w.it, `/requests/${r}/fulfil`, {
      certificatePem: pki.leaf(`/C=VN/CN=${c.name}`, ca).pem,
      chainPem: [ca.pem],
      signingPin: '864201',
    });
    expect([ok.status, ok.body.code, ok.body.result?.replaces]).toEqual([200, undefined, c.id]);
    const [issued] = (
      (await reg.get(`/audit?entityType=certificate&entityId=${ok.body.result.certificateId}`)).body.items as {
        action: string;
        after: Record<string, unknown>;
      }[]
    ).filter((e) => e.action === 'certificate.issued');
    expect(issued.after).toMatchObject({ replaces: c.id, lifecycleRequestId: r });
  });
});
