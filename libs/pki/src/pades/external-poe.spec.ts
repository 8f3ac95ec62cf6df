import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { issuePerson, TestSigner } from '../../test-fixtures/signers';
import { DevCa, DevTsa } from '../devca';
import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { signPdf } from './sign-pdf';
import { verifyPdf, VerifyPdfOptions } from './verify-pdf';
import type { ExternalProofOfExistence } from './poe';

const MIN = 60_000;

/**
 * Proofs of existence from outside the document (the verifier's sealed evidence, issue 10): a
 * B-B signature whose signer was revoked after an earlier validation passes when that validation
 * is given as POE, judged at its time, and the report names the evidence.
 */
describe('verifyPdf with external proofs of existence', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const at = (minutes: number) => new Date(now.getTime() + minutes * MIN);
  let root: DevCa;
  let sub: DevCa;
  let pdf: Uint8Array;
  let official: TestSigner;
  let bb: Uint8Array;
  let sha: string;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'POE Root', notBefore: at(-10 * 24 * 60) });
    sub = await root.createSubordinate({ commonName: 'POE Sub CA', notBefore: at(-10 * 24 * 60) });
    const doc = await PDFDocument.create();
    doc.addPage();
    pdf = await doc.save({ useObjectStreams: false });
    official = await issuePerson(sub, { CN: 'Retired Official', C: 'VN' }, { notBefore: at(-5 * 24 * 60) });
    bb = await sign(official);
    sha = (await verify(bb)).signatures[0].signatureSha256;
    sub.revoke(official.cert, { revocationDate: at(-10), reason: 'cessationOfOperation' });
  });

  const sign = (s: TestSigner) =>
    signPdf(pdf, { signer: s.key.signer, certificate: s.cert, chain: [sub.certificate], signingTime: at(-60) });
  const verify = async (signed: Uint8Array, extra: Partial<VerifyPdfOptions> = {}) => {
    const crls = [
      Crl.fromDer(await root.issueCrl({ thisUpdate: at(-5) })),
      Crl.fromDer(await sub.issueCrl({ thisUpdate: at(-5) })),
    ];
    return verifyPdf(signed, {
      trustAnchors: [root.certificate],
      validationTime: now,
      revocationChecker: () => new CrlRevocationChecker({ crls }),
      ...extra,
    });
  };
  const evidence = (time: Date, signatureSha256 = sha, evidenceId = 'ev-1'): ExternalProofOfExistence => ({
    signatureSha256,
    time,
    source: 'kyso-evidence',
    evidenceId,
  });

  it('names each signature by the SHA-256 of its /Contents, stable across validations', async () => {
    expect(sha).toMatch(/^[0-9A-F]{64}$/);
    expect((await verify(bb)).signatures[0].signatureSha256).toBe(sha);
    expect((await verify(await sign(official))).signatures[0].signatureSha256).not.toBe(sha);
  });

  it("reports the digest the caller already computed (the upload's) instead of hashing the document again", async () => {
    const digest = createHash('sha256').update(bb).digest('hex');
    expect((await verify(bb)).documentSha256).toBe(digest.toUpperCase());
    // Taken as given (the caller hashed these very bytes): not computed again.
    expect((await verify(bb, { documentSha256: 'ab'.repeat(32) })).documentSha256).toBe('AB'.repeat(32));
  });

  it('is REVOKED_NO_POE without evidence, and TOTAL-PASSED judged at the evidence time with it', async () => {
    expect((await verify(bb)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      signingTime: { provenBy: null, evidenceId: null, judgedAt: now.toISOString() },
    });
    const sig = (await verify(bb, { proofsOfExistence: [evidence(at(-30))] })).signatures[0];
    expect(sig).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: {
        timestamped: null,
        judgedAt: at(-30).toISOString(),
        provenBy: 'kyso-evidence',
        evidenceId: 'ev-1',
      },
    });
    expect(sig.reasons.map((r) => r.code)).toContain('JUDGED_AT_VALIDATION_EVIDENCE');
  });

  it('takes the earliest proof, and ignores proofs for other signatures or after the validation time', async () => {
    const sig = (
      await verify(bb, { proofsOfExistence: [evidence(at(-15), sha, 'late'), evidence(at(-40), sha, 'early')] })
    ).signatures[0];
    expect(sig.signingTime).toMatchObject({ judgedAt: at(-40).toISOString(), evidenceId: 'early' });
    const other = await verify(bb, { proofsOfExistence: [evidence(at(-30), '00'.repeat(32))] });
    expect(other.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
    const future = await verify(bb, { proofsOfExistence: [evidence(at(5))] });
    expect(future.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
  });

  it('proves nothing for a time after the revocation: still REVOKED_NO_POE', async () => {
    const sig = (await verify(bb, { proofsOfExistence: [evidence(at(-5))] })).signatures[0];
    expect(sig).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
  });

  it('prefers an earlier timestamp over later evidence and says so', async () => {
    const tsa = await DevTsa.create(root, { commonName: 'POE TSA', clock: () => at(-50) });
    const bt = await signPdf(pdf, {
      signer: official.key.signer,
      certificate: official.cert,
      chain: [sub.certificate],
      signingTime: at(-60),
      timestamp: (request) => tsa.timestamp(request),
    });
    const btSha = (await verify(bt)).signatures[0].signatureSha256;
    const sig = (await verify(bt, { proofsOfExistence: [evidence(at(-30), btSha)] })).signatures[0];
    expect(sig).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: { timestamped: at(-50).toISOString(), provenBy: 'timestamp', evidenceId: null },
    });
  });
});
