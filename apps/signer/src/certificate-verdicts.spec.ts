import { Certificate, DevCa, generateSoftwareKey } from '@kyso/pki';
import { LocalCertificateCheck } from '../test/local-certificate-check';
import { CertificateVerdicts, verdictExpiry } from './certificate-verdicts';

const MINUTE = 60_000;

describe('remembered pre-signing verdicts (real CA, CRLs and path validation)', () => {
  let root: DevCa;
  let leaf: Certificate;
  /** What the CA publishes now: each check reads it, so a test can revoke or withhold it. */
  let crls: () => Promise<Uint8Array[]>;
  let check: LocalCertificateCheck;
  let now: number;
  const asked = () => check.calls.length;
  const verdicts = (maxAgeMs = 5 * MINUTE) =>
    new CertificateVerdicts(check, { maxAgeMs, maxEntries: 10, now: () => now });

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Kyso Verdicts Root CA' });
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    leaf = await root.issue({
      subject: { CN: 'Nguyễn Văn A', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
  });

  beforeEach(() => {
    now = Math.floor(Date.now() / 1000) * 1000; // DER times are whole seconds
    crls = async () => [await root.issueCrl()];
    check = new LocalCertificateCheck([root.certificate], async () => ({ crls: await crls() }));
  });

  it('asks once for concurrent checks of one certificate and reuses the good verdict', async () => {
    const cache = verdicts();
    const results = await Promise.all([1, 2, 3].map(() => cache.check('cert-a', leaf, [])));
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(asked()).toBe(1);
    now += MINUTE;
    expect((await cache.check('cert-a', leaf, [])).ok).toBe(true);
    expect(asked()).toBe(1);
  });

  it('asks again once the verdict is older than its maximum age', async () => {
    const cache = verdicts(2 * MINUTE);
    await cache.check('cert-a', leaf, []);
    now += 2 * MINUTE;
    await cache.check('cert-a', leaf, []);
    expect(asked()).toBe(2);
  });

  it('asks again once the CRL behind the verdict is past its nextUpdate, even within the maximum age', async () => {
    crls = async () => [await root.issueCrl({ nextUpdate: new Date(now + MINUTE) })];
    const cache = verdicts(60 * MINUTE);
    await cache.check('cert-a', leaf, []);
    now += MINUTE - 1;
    await cache.check('cert-a', leaf, []);
    expect(asked()).toBe(1);
    now += 1;
    await cache.check('cert-a', leaf, []);
    expect(asked()).toBe(2);
  });

  it('never remembers an unknown revocation status as good', async () => {
    crls = async () => []; // the CA's CRL cannot be had
    const cache = verdicts();
    const first = await cache.check('cert-a', leaf, []);
    expect(first).toMatchObject({ ok: false });
    expect((await cache.check('cert-a', leaf, [])).ok).toBe(false);
    expect(asked()).toBe(2);
    crls = async () => [await root.issueCrl()];
    expect((await cache.check('cert-a', leaf, [])).ok).toBe(true);
  });

  it('refuses a certificate revoked after its good verdict as soon as the registry says so (forget)', async () => {
    const revocable = await root.issue({
      subject: { CN: 'Lê Thị D', C: 'VN' },
      publicKeySpki: generateSoftwareKey('ECDSA-P256-SHA256').publicKeySpki,
      profile: 'person',
    });
    const cache = verdicts();
    expect((await cache.check('cert-d', revocable, [])).ok).toBe(true);
    root.revoke(revocable, { revocationDate: new Date(now - 1_000), reason: 'keyCompromise' });
    cache.forget('cert-d');
    expect(await cache.check('cert-d', revocable, [])).toMatchObject({ ok: false, code: 'CERTIFICATE_REVOKED' });
    expect(await cache.check('cert-d', revocable, [])).toMatchObject({ ok: false, code: 'CERTIFICATE_REVOKED' });
    expect(asked()).toBe(3);
  });

  it('does not keep the verdict of a check that was in flight when the certificate was forgotten', async () => {
    const cache = verdicts();
    const inFlight = cache.check('cert-a', leaf, []);
    cache.forget('cert-a');
    expect((await inFlight).ok).toBe(true);
    await cache.check('cert-a', leaf, []);
    expect(asked()).toBe(2);
  });

  it('asks again when the registry names another certificate under the same id', async () => {
    const other = await root.issue({
      subject: { CN: 'Nguyễn Văn A', C: 'VN' },
      publicKeySpki: generateSoftwareKey('ECDSA-P256-SHA256').publicKeySpki,
      profile: 'person',
    });
    const cache = verdicts();
    await cache.check('cert-a', leaf, []);
    await cache.check('cert-a', other, []);
    expect(asked()).toBe(2);
  });

  it('remembers at most maxEntries certificates, the least recently used going first', async () => {
    const cache = new CertificateVerdicts(check, { maxAgeMs: 5 * MINUTE, maxEntries: 2, now: () => now });
    for (const id of ['cert-a', 'cert-b', 'cert-a', 'cert-c']) await cache.check(id, leaf, []);
    expect(asked()).toBe(3); // a, b, c; the second a was remembered
    await cache.check('cert-a', leaf, []);
    expect(asked()).toBe(3); // a was used after b: b went
    await cache.check('cert-b', leaf, []);
    expect(asked()).toBe(4);
  });

  it('checks every time when the maximum age is 0', async () => {
    const cache = verdicts(0);
    await cache.check('cert-a', leaf, []);
    await cache.check('cert-a', leaf, []);
    expect(asked()).toBe(2);
  });

  it('bounds reuse by OCSP nextUpdate too, and does not reuse revocation data without one', async () => {
    const good = { certificates: [], crls: [], ocsps: [] };
    expect(verdictExpiry(good, now, MINUTE)).toBe(now + MINUTE);
    const ocsp = (nextUpdate?: Date) =>
      root.ocspResponse({ certificate: leaf, status: 'good', thisUpdate: new Date(now), nextUpdate });
    expect(verdictExpiry({ ...good, ocsps: [await ocsp(new Date(now + 1_000))] }, now, MINUTE)).toBe(now + 1_000);
    expect(verdictExpiry({ ...good, ocsps: [await ocsp()] }, now, MINUTE)).toBe(now);
    expect(verdictExpiry({ ...good, crls: [Uint8Array.of(1, 2, 3)] }, now, MINUTE)).toBe(now);
  });
});
