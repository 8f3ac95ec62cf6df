import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCa, generateSoftwareKey } from '@kyso/pki';
import type { DemoPki } from '../../../scripts/dev/demo';
import { loadOrCreatePki } from '../../../scripts/dev/pki-files';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert, trustCa } from './support';

const DAY = 24 * 3600_000;

/**
 * Issue 11.7: a certificate is registered only with a valid RFC 5280 path, as of now, to an
 * enabled trust anchor, and a revocation status that is known and good (closed default).
 */
describe('certificate registration: trust anchor, path and revocation (real Postgres, openssl, CRLs over HTTP)', () => {
  let pki: OpenSslPki;
  let ca: TestCert;
  let reg: RunningRegistry;
  let org: string;

  const register = (certificatePem: string, chainPem: string[] = [ca.pem]) =>
    reg.post('/certificates', {
      certificatePem,
      chainPem,
      subjectType: 'organization',
      organizationId: org,
      keyUri: 'pkcs11:token=t;object=org',
      signingPin: '731904',
    });

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Trust Test CA');
    reg = await startRegistry();
    org = (await reg.post('/organizations', { code: 'TRUST-1', name: 'Sở Tư pháp', legalEntity: true })).body.id;
    await trustCa(reg, ca);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('registers a good certificate under an enabled anchor, its status checked on the CA’s CRL', async () => {
    const res = await register(pki.leaf('/C=VN/CN=SỞ TƯ PHÁP', ca).pem);
    expect(res.status).toBe(201);
  });

  it('refuses a certificate under no registered anchor with 422 CERTIFICATE_NOT_TRUSTED, in English and Vietnamese', async () => {
    const stranger = pki.ca('Kyso Stranger CA');
    const res = await register(pki.leaf('/CN=stranger leaf', stranger).pem, [stranger.pem]);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'CERTIFICATE_NOT_TRUSTED', message: expect.any(String) });
    expect(res.body.messageVi).toMatch(/tin cậy/);
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toContain('NO_CERTIFICATE_CHAIN_FOUND');
    // Refused registrations are kept in the audit chain, with the code and the certificate's fingerprint.
    const audit = (await reg.get('/audit?action=certificate.registration_refused')).body.items;
    expect(audit).toEqual([
      expect.objectContaining({
        entityType: 'certificate',
        entityId: null,
        after: expect.objectContaining({ outcome: 'refused', code: 'CERTIFICATE_NOT_TRUSTED', organizationId: org }),
      }),
    ]);
    expect(audit[0].after.sha256).toMatch(/^[0-9A-F]{64}$/);
  });

  it('refuses a certificate under a disabled anchor, and registers it once the anchor is enabled again', async () => {
    const other = pki.ca('Kyso Disabled Anchor CA');
    const anchor = await reg.post('/trust-anchors', { name: 'to disable', certificatePem: other.pem });
    expect((await reg.post(`/trust-anchors/${anchor.body.id}/disable`, {})).status).toBe(200);
    const leaf = pki.leaf('/CN=under disabled', other).pem;
    expect((await register(leaf, [other.pem])).body.code).toBe('CERTIFICATE_NOT_TRUSTED');
    expect((await reg.post(`/trust-anchors/${anchor.body.id}/enable`, {})).status).toBe(200);
    expect((await register(leaf, [other.pem])).status).toBe(201);
  });

  it('refuses an expired certificate with 422 CERTIFICATE_PATH_INVALID naming EXPIRED', async () => {
    const issuer = await DevCa.fromPem(ca.pem, ca.keyPem, { crlUrls: [pki.crlUrl(ca)] });
    const expired = await issuer.issue({
      subject: { C: 'VN', CN: 'expired' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'organization',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const res = await register(expired.toPem());
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CERTIFICATE_PATH_INVALID');
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toContain('EXPIRED');
  });

  it('refuses a certificate its CA lists as revoked with 422 CERTIFICATE_REVOKED', async () => {
    const leaf = pki.leaf('/CN=revoked leaf', ca);
    pki.revoke(leaf, ca);
    const res = await register(leaf.pem);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CERTIFICATE_REVOKED');
    expect(res.body.messageVi).toMatch(/thu hồi/);
  });

  it('refuses a certificate whose revocation status cannot be had with 422 CERTIFICATE_REVOCATION_UNKNOWN (closed default)', async () => {
    const res = await register(pki.leaf('/CN=no revocation pointer', ca, 365, { revocation: false }).pem);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CERTIFICATE_REVOCATION_UNKNOWN');
    expect(res.body.messageVi).toMatch(/thử lại/);
  });

  it('refuses a certificate whose CRL cannot be fetched with CERTIFICATE_REVOCATION_UNKNOWN', async () => {
    const issuer = await DevCa.fromPem(ca.pem, ca.keyPem, { crlUrls: ['http://127.0.0.1:9/nowhere.crl'] });
    const cert = await issuer.issue({
      subject: { C: 'VN', CN: 'unreachable CRL' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'organization',
    });
    expect((await register(cert.toPem())).body.code).toBe('CERTIFICATE_REVOCATION_UNKNOWN');
  });
});

describe('certificate registration under the dev CA: its status read from the records, no HTTP call to itself', () => {
  let dir: string;
  let dev: DemoPki;
  let reg: RunningRegistry;
  let org: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-trust-devca-'));
    // A public URL nobody listens on: were the registry to fetch its own CRL, the status would be unknown.
    dev = await loadOrCreatePki(dir, 'http://127.0.0.1:9/dev-ca');
    reg = await startRegistry({ caConnector: 'dev', devCaDir: dir });
    org = (await reg.post('/organizations', { code: 'TRUST-2', name: 'Sở Nội vụ', legalEntity: true })).body.id;
    await trustCa(reg, dev.root.certificate.toPem());
  });

  afterAll(async () => {
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const issue = () =>
    dev.subordinate.issue({
      subject: { C: 'VN', CN: 'SỞ NỘI VỤ' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'organization',
    });
  const register = (cert: { toPem(): string }) =>
    reg.post('/certificates', {
      certificatePem: cert.toPem(),
      chainPem: [dev.subordinate.certificate.toPem(), dev.root.certificate.toPem()],
      subjectType: 'organization',
      organizationId: org,
      keyUri: 'pkcs11:token=t;object=snv',
      signingPin: '508213',
    });

  it('registers a good certificate of the dev CA, and refuses it with CERTIFICATE_REVOKED once revoked', async () => {
    const cert = await issue();
    const first = await register(cert);
    expect(first.status).toBe(201);
    expect((await reg.post(`/certificates/${first.body.id}/revoke`, { reason: 'keyCompromise' })).status).toBe(200);
    const again = await register(cert);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('CERTIFICATE_REVOKED');
  });
});
