import { PinHasher } from '../src/certificates/pin-hasher';
import { LifecycleWorld, seedWorld } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

/** Review findings on signing authorisation and certificate registration (real Postgres). */
describe('signing authorisation hardening', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;

  const authorize = async (body: { certificateId: string; actingOfficialId: string; pin: string }) => {
    const res = await reg.post('/signing-authorizations', body);
    expect(res.status).toBe(200);
    return res.body;
  };
  const register = (body: Record<string, unknown>) =>
    reg.post('/certificates', { chainPem: [ca.pem], keyUri: 'pkcs11:token=t;object=x', signingPin: '123456', ...body });

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Review CA');
    reg = await startRegistry({ pinLockoutThreshold: 3 });
    w = await seedWorld(reg, pki, ca);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('checks no more PINs than the lockout limit, however many guesses arrive at once', async () => {
    const verify = jest.spyOn(reg.app.get(PinHasher), 'verify');
    try {
      const guesses = Array.from({ length: 12 }, (_, i) => ({
        certificateId: w.anCert,
        actingOfficialId: w.an,
        pin: String(100000 + i),
      }));
      const results = await Promise.all(guesses.map(authorize));
      expect(results.every((r) => !r.allowed)).toBe(true);
      expect(verify.mock.calls.length).toBeLessThanOrEqual(3);
      // The right PIN after the burst finds the certificate locked.
      expect(await authorize({ certificateId: w.anCert, actingOfficialId: w.an, pin: w.anPin })).toMatchObject({
        allowed: false,
        code: 'CERTIFICATE_LOCKED',
      });
    } finally {
      verify.mockRestore();
    }
  });

  it('refuses the certificate of a merged or dissolved organisation, even to its clerk', async () => {
    expect((await authorize({ certificateId: w.orgCert, actingOfficialId: w.clerk, pin: w.orgPin })).allowed).toBe(
      true,
    );
    await reg.sql(`UPDATE registry.organization SET status = 'dissolved', ended_at = now() WHERE id = $1`, [w.dept]);
    try {
      expect(await authorize({ certificateId: w.orgCert, actingOfficialId: w.clerk, pin: w.orgPin })).toMatchObject({
        allowed: false,
        code: 'ORGANIZATION_ENDED',
      });
    } finally {
      await reg.sql(`UPDATE registry.organization SET status = 'active', ended_at = NULL WHERE id = $1`, [w.dept]);
    }
  });

  it("refuses to register a certificate for a key already registered to another holder (someone else's key)", async () => {
    const victim = pki.leaf('/C=VN/CN=Nguyễn Văn An', ca);
    const first = await register({
      certificatePem: victim.pem,
      subjectType: 'person',
      holderOfficialId: w.an,
      organizationId: w.unit,
    });
    expect(first.status).toBe(201);
    // A second certificate over the same key (the CA renewed it keeping the key), registered for the clerk's organisation.
    const sameKey = pki.leafForKey('/C=VN/CN=SỞ NỘI VỤ', victim.keyPem, ca);
    const res = await register({
      certificatePem: sameKey,
      subjectType: 'organization',
      organizationId: w.dept,
      keyUri: first.body.keyUri,
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('KEY_REGISTERED_TO_ANOTHER_SUBJECT');
    // The same holder may register another certificate over its own key (a renewal keeping the key).
    const renewed = await register({
      certificatePem: pki.leafForKey('/C=VN/CN=Nguyễn Văn An', victim.keyPem, ca),
      subjectType: 'person',
      holderOfficialId: w.an,
      organizationId: w.unit,
    });
    expect(renewed.status).toBe(201);
  });

  it('refuses a chain that did not issue the certificate', async () => {
    const stranger = pki.ca('Kyso Stranger CA');
    const leaf = pki.leaf('/C=VN/CN=Trần Văn Bảo', ca);
    const wrong = await register({
      certificatePem: leaf.pem,
      chainPem: [stranger.pem],
      subjectType: 'organization',
      organizationId: w.dept,
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('CHAIN_DOES_NOT_ISSUE_CERTIFICATE');
    const impostor = pki.caNamed('/C=VN/O=Kyso Test/CN=Kyso Review CA');
    const sameName = await register({
      certificatePem: leaf.pem,
      chainPem: [impostor.pem],
      subjectType: 'organization',
      organizationId: w.dept,
    });
    expect(sameName.status).toBe(422);
    expect(sameName.body.code).toBe('CHAIN_DOES_NOT_ISSUE_CERTIFICATE');
  });
});
