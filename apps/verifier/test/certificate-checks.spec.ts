import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CERTIFICATE_CHECKS_PATH } from '@kyso/contracts';
import { Certificate, Crl, DevCa, DevTsa, generateSoftwareKey } from '@kyso/pki';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { TOKEN } from './support';

/**
 * The pre-signing check the signer asks for (issue 12.3): the API judges a certificate now, with
 * revocation fetched by the workers through the shared CRL cache, and returns the evidence used.
 */
describe('POST /internal/certificate-checks (API, workers, Postgres, Redis, a CRL server)', () => {
  const stack = new VerifierStack('chk');
  let app: NestExpressApplication;
  let root: DevCa;
  let sub: DevCa;
  const { registry, server } = stack;

  beforeAll(async () => {
    ({ app } = await stack.start('kyso_verifier_checks', {
      maxUploadBytes: 1024 * 1024,
      workerConcurrency: 2,
      jobAttempts: 2,
      revocation: { fetchTimeoutMs: 2_000, waitMs: 5_000, attempts: 1, required: true, fetchAllow: ['127.0.0.1'] },
    }));
    root = await DevCa.createRoot({ commonName: 'Check Root', crlUrls: [`${server.url}/root.crl`] });
    sub = await root.createSubordinate({ commonName: 'Check CA', crlUrls: [`${server.url}/sub.crl`] });
    server.crl('/root.crl', root);
    server.crl('/sub.crl', sub);
    // The root certifies signers and TSAs alike (as the dev CA does).
    registry.anchors.push({ ...anchorView(root.certificate.toPem(), 'check root'), purpose: 'any' });
  });

  afterAll(async () => {
    await stack.stop();
  });

  const person = (ca = sub, cn = 'Nguyễn Văn A') =>
    ca.issue({
      subject: { CN: cn, O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: generateSoftwareKey('ECDSA-P256-SHA256').publicKeySpki,
      profile: 'person',
    });
  /** The subordinate CA (same name and key) naming another CRL address in what it issues. */
  const subAt = (crl: string) => {
    const { certificatePem, privateKeyPem } = sub.toPem();
    return DevCa.fromPem(certificatePem, privateKeyPem, {
      crlUrls: [crl.startsWith('/') ? `${server.url}${crl}` : crl],
    });
  };
  const check = (body: object) =>
    request(app.getHttpServer()).post(CERTIFICATE_CHECKS_PATH).set('x-kyso-internal-token', TOKEN).send(body);
  const asked = (cert: Certificate, chain: Certificate[] = [sub.certificate], purpose?: string) =>
    check({ certificatePem: cert.toPem(), chainPem: chain.map((c) => c.toPem()), purpose });
  const codes = (body: { reasons: { code: string }[] }) => body.reasons.map((r) => r.code);

  it('passes a good certificate and returns the path and the CRLs that proved it, fetched once then cached', async () => {
    const cert = await person();
    const res = await asked(cert);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ indication: 'TOTAL-PASSED', reasons: [] });
    expect(Date.parse(res.body.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
    const path = res.body.evidence.certificatesPem.map((p: string) => Certificate.parse(p).subject.get('CN'));
    expect(path).toEqual(['Nguyễn Văn A', 'Check CA', 'Check Root']);
    const issuers = res.body.evidence.crls.map((b: string) => Crl.fromDer(Buffer.from(b, 'base64')).issuer.get('CN'));
    expect(issuers.sort()).toEqual(['Check CA', 'Check Root']);
    const hits = server.hits('/sub.crl');
    expect((await asked(await person(sub, 'Trần Thị B'))).body.indication).toBe('TOTAL-PASSED');
    expect(server.hits('/sub.crl')).toBe(hits); // the verifier's CRL cache, not a second download
  });

  it('keeps checking from the stored trust anchors while the registry is down (the signer signs on)', async () => {
    expect((await asked(await person())).body.indication).toBe('TOTAL-PASSED');
    registry.up = false;
    try {
      const res = await asked(await person(sub, 'Lê Văn C'));
      expect(res.status).toBe(200);
      expect(res.body.indication).toBe('TOTAL-PASSED');
    } finally {
      registry.up = true;
    }
  });

  it('refuses a revoked certificate with REVOKED, in English and Vietnamese', async () => {
    // The same CA publishing at another address: a CRL no earlier check has cached.
    const other = await subAt('/sub-2.crl');
    server.crl('/sub-2.crl', other);
    const cert = await person(other, 'Lê Văn C');
    other.revoke(cert, { revocationDate: new Date(Date.now() - 3_600_000), reason: 'keyCompromise' });
    const res = await asked(cert);
    expect(res.status).toBe(200);
    expect(res.body.indication).not.toBe('TOTAL-PASSED');
    const reason = res.body.reasons.find((r: { code: string }) => r.code === 'REVOKED');
    expect(reason).toMatchObject({ message: expect.any(String), messageVi: expect.any(String) });
  });

  it('is INDETERMINATE / TRY_LATER with REVOCATION_STATUS_UNKNOWN, never passed, when the CRL cannot be fetched', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone.crl`;
    await new Promise((r) => closed.close(r));
    const orphan = await subAt(dead);
    const res = await asked(await person(orphan, 'Phạm Văn E'));
    expect(res.body).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(codes(res.body)).toContain('REVOCATION_STATUS_UNKNOWN');
  });

  it('refuses a certificate of an untrusted CA, and checks a TSA certificate only for timestamping', async () => {
    const stranger = await DevCa.createRoot({ commonName: 'Stranger Root' });
    const res = await asked(await person(stranger), []);
    expect(res.body.indication).not.toBe('TOTAL-PASSED');
    expect(codes(res.body)).toContain('NO_CERTIFICATE_CHAIN_FOUND');

    const tsa = await DevTsa.create(sub);
    expect((await asked(tsa.certificate, [sub.certificate], 'timestamping')).body.indication).toBe('TOTAL-PASSED');
    // A root trusted for document signing only anchors no TSA.
    registry.anchors[0] = { ...registry.anchors[0], purpose: 'document-signing' };
    try {
      const untrustedTsa = await asked(tsa.certificate, [sub.certificate], 'timestamping');
      expect(codes(untrustedTsa.body)).toContain('NO_CERTIFICATE_CHAIN_FOUND');
    } finally {
      registry.anchors[0] = { ...registry.anchors[0], purpose: 'any' };
    }
    const asSigner = await asked(tsa.certificate, [sub.certificate]);
    expect(codes(asSigner.body)).toContain('EXTENDED_KEY_USAGE_MISMATCH');
  });

  it('answers 400 for what is not a certificate, and 401 without the internal credential', async () => {
    const bad = await check({ certificatePem: 'not a certificate', chainPem: [] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_FIELD', field: 'certificatePem' });
    const wrongPurpose = await check({ certificatePem: root.certificate.toPem(), chainPem: [], purpose: 'tls' });
    expect(wrongPurpose.status).toBe(400);
    const anonymous = await request(app.getHttpServer()).post(CERTIFICATE_CHECKS_PATH).send({});
    expect(anonymous.status).toBe(401);
  });
});
