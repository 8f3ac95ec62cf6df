import type { Caller } from '@kyso/common';
import { LifecycleWorld, seedWorld, stepBody } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

/** Review findings on the request lifecycle (real Postgres, manual CA connector). */
describe('lifecycle hardening', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;

  const call = async (who: Caller, path: string, body: unknown = {}) =>
    reg.call('post', path, who).send(body as object);
  const status = async (id: string) => (await reg.get(`/certificates/${id}`)).body.status as string;

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Lifecycle Review CA');
    reg = await startRegistry({ caConnector: 'manual', holidays: [] });
    w = await seedWorld(reg, pki, ca);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('cancelling one of two pending key-compromise revocations keeps the certificate suspended until the other ends', async () => {
    const lost = (await call(w.it, '/requests', { type: 'revoke', certificateId: w.anCert, reason: 'device-lost' }))
      .body.id;
    const compromised = (
      await call(w.it, '/requests', { type: 'revoke', certificateId: w.anCert, reason: 'key-compromise' })
    ).body.id;
    expect((await call(w.it, `/requests/${lost}/submit`)).body.status).toBe('submitted');
    expect(await status(w.anCert)).toBe('suspended');
    expect((await call(w.it, `/requests/${compromised}/submit`)).body.status).toBe('submitted');
    // The token turns up: the loss report is cancelled, but the compromise report still stands.
    expect((await call(w.it, `/requests/${lost}/cancel`)).body.status).toBe('cancelled');
    expect(await status(w.anCert)).toBe('suspended');
    // When that one is rejected too, nothing holds the suspension any more.
    expect((await call(w.head, `/requests/${compromised}/reject`, { note: 'Không có căn cứ' })).body.status).toBe(
      'rejected',
    );
    expect(await status(w.anCert)).toBe('active');
  });

  it('fulfils a revocation whose certificate an operator already recorded as revoked, keeping the first reason', async () => {
    const cert = await reg.post('/certificates', {
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An', ca).pem,
      chainPem: [ca.pem],
      subjectType: 'person',
      holderOfficialId: w.an,
      organizationId: w.unit,
      keyUri: 'pkcs11:token=t;object=an-2',
      signingPin: '555666',
    });
    expect(cert.status).toBe(201);
    const id = (await call(w.it, '/requests', { type: 'revoke', certificateId: cert.body.id, reason: 'retirement' }))
      .body.id;
    for (const [who, step] of [
      [w.it, 'submit'],
      [w.head, 'approve'],
      [w.it, 'send'],
    ] as const)
      expect((await call(who, `/requests/${id}/${step}`, stepBody(w, step))).status).toBe(200);
    expect((await call(w.admin, `/certificates/${cert.body.id}/revoke`, { reason: 'keyCompromise' })).status).toBe(200);
    const done = await call(w.it, `/requests/${id}/fulfil`, { revokedAt: new Date().toISOString() });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('fulfilled');
    expect((await reg.get(`/certificates/${cert.body.id}`)).body).toMatchObject({
      status: 'revoked',
      revocationReason: 'keyCompromise',
    });
  });
});
