import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { SIGNATURE_CHECKS_PATH } from '@kyso/contracts';
import { DevCa, generateSoftwareKey, signPdf } from '@kyso/pki';
import { fillTextFields, reserveTextFields } from '@kyso/pki/pades';
import { makeTemplatePdf } from '../../../libs/pki/test-fixtures/appearance';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { TOKEN } from './support';

/**
 * The check the signer asks for before the organisation's signature (issue 13, R17): the signatures
 * already on a document judged now by the verifier's engine, revocation fetched by the workers.
 */
describe('POST /internal/signature-checks (API, workers, Postgres, Redis, a CRL server)', () => {
  const stack = new VerifierStack('sig');
  let app: NestExpressApplication;
  let root: DevCa;
  const { registry, server } = stack;

  beforeAll(async () => {
    ({ app } = await stack.start('kyso_verifier_sigchecks', {
      maxUploadBytes: 1024 * 1024,
      workerConcurrency: 1,
      jobAttempts: 1,
      revocation: { fetchTimeoutMs: 2_000, waitMs: 5_000, attempts: 1, required: true, fetchAllow: ['127.0.0.1'] },
    }));
    root = await DevCa.createRoot({ commonName: 'Signature Check Root', crlUrls: [`${server.url}/root.crl`] });
    server.crl('/root.crl', root);
    registry.anchors.push({ ...anchorView(root.certificate.toPem(), 'signature check root'), purpose: 'any' });
  });

  afterAll(async () => {
    await stack.stop();
  });

  const leaderSigned = async (cn: string, ca: DevCa = root) => {
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const cert = await ca.issue({
      subject: { CN: cn, C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    const template = await makeTemplatePdf({ issuance: true });
    const form = reserveTextFields(template, [
      { name: 'docNumber', placement: { anchorText: 'Số:', position: 'after', width: 150, height: 16 } },
    ]);
    const pdf = await signPdf(template, {
      signer: key.signer,
      certificate: cert,
      chain: [],
      signingTime: new Date(),
      form,
    });
    return { cert, pdf };
  };
  const check = (pdf: Uint8Array) =>
    request(app.getHttpServer())
      .post(SIGNATURE_CHECKS_PATH)
      .set('x-kyso-internal-token', TOKEN)
      .attach('file', Buffer.from(pdf), { filename: 'd.pdf', contentType: 'application/pdf' });

  it("judges the leader's signature TOTAL-PASSED and names its certificate, also after the number is filled in", async () => {
    const { cert, pdf } = await leaderSigned('Nguyễn Văn A');
    const res = await check(pdf);
    expect(res.status).toBe(200);
    expect(res.body.signatures).toEqual([
      expect.objectContaining({ indication: 'TOTAL-PASSED', certificateSha256: cert.sha256Hex, changesAllowed: true }),
    ]);
    // The clerk's own fill (before the organisation signs) is an allowed change after the leader's signature.
    const fill = await fillTextFields(pdf, [{ name: 'docNumber', value: '123/QĐ-UBND' }]);
    const clerkKey = generateSoftwareKey('ECDSA-P256-SHA256');
    const clerk = await root.issue({
      subject: { CN: 'Văn thư', C: 'VN' },
      publicKeySpki: clerkKey.publicKeySpki,
      profile: 'person',
    });
    const issued = await signPdf(pdf, {
      signer: clerkKey.signer,
      certificate: clerk,
      chain: [],
      signingTime: new Date(),
      form: fill,
    });
    const again = await check(issued);
    expect(again.body.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', changesAllowed: true });
  });

  it('does not pass a revoked leader', async () => {
    // A CA of its own, whose CRL no earlier check has cached.
    const ca = await root.createSubordinate({ commonName: 'Revoking CA', crlUrls: [`${server.url}/revoking.crl`] });
    server.crl('/revoking.crl', ca);
    const { cert, pdf } = await leaderSigned('Trần Văn B', ca);
    ca.revoke(cert, { revocationDate: new Date(Date.now() - 3_600_000), reason: 'keyCompromise' });
    const res = await check(pdf);
    expect(res.status).toBe(200);
    expect(res.body.signatures[0].indication).not.toBe('TOTAL-PASSED');
  });

  it('refuses what is not a PDF (422 INVALID_PDF) and a call without the internal credential (401)', async () => {
    expect((await check(Buffer.from('not a pdf'))).body.code).toBe('INVALID_PDF');
    const anonymous = await request(app.getHttpServer()).post(SIGNATURE_CHECKS_PATH);
    expect(anonymous.status).toBe(401);
  });
});
