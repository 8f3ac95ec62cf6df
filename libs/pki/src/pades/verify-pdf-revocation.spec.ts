import { PDFDocument } from 'pdf-lib';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa } from '../devca';
import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

/** verifyPdf with revocation: without a timestamp the status is decided now (the claim is no proof), unknown is never good. */
describe('verifyPdf revocation', () => {
  const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
  const hourAgo = new Date(signingTime.getTime() - 3600_000);
  let root: DevCa;
  let sub: DevCa;
  let pdf: Uint8Array;

  beforeAll(async () => {
    root = await DevCa.createRoot({
      commonName: 'Revocation Root',
      notBefore: new Date(signingTime.getTime() - 86400_000),
    });
    sub = await root.createSubordinate({
      commonName: 'Revocation Sub CA',
      notBefore: new Date(signingTime.getTime() - 86400_000),
    });
    const doc = await PDFDocument.create();
    doc.addPage();
    pdf = await doc.save({ useObjectStreams: false });
  });

  async function signedBy(name: string, at = signingTime) {
    const { key, cert } = await issuePerson(
      sub,
      { CN: name, C: 'VN' },
      { notBefore: new Date(signingTime.getTime() - 7200_000) },
    );
    const signed = await signPdf(pdf, {
      signer: key.signer,
      certificate: cert,
      chain: [sub.certificate],
      signingTime: at,
    });
    return { cert, signed };
  }

  const crls = async () => [
    Crl.fromDer(await root.issueCrl({ thisUpdate: hourAgo })),
    Crl.fromDer(await sub.issueCrl({ thisUpdate: hourAgo })),
  ];
  const verify = async (signed: Uint8Array, crlList: Crl[]) =>
    verifyPdf(signed, {
      trustAnchors: [root.certificate],
      revocationChecker: () => new CrlRevocationChecker({ crls: crlList }),
    });

  it('passes with good CRL status and says where the status came from', async () => {
    const { signed } = await signedBy('Good Official');
    const report = await verify(signed, await crls());
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      revocation: { checked: true, source: 'crl' },
    });
  });

  it('is INDETERMINATE / TRY_LATER when no revocation evidence can be found', async () => {
    const { signed } = await signedBy('Unknown Status');
    const report = await verify(signed, []);
    expect(report.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
  });

  it('is REVOKED_NO_POE for a certificate revoked before the claimed signing time', async () => {
    const { cert, signed } = await signedBy('Revoked Before');
    sub.revoke(cert, { revocationDate: hourAgo, reason: 'affiliationChanged' });
    const report = await verify(signed, await crls());
    expect(report.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
  });

  it('is REVOKED_NO_POE for a revocation (any reason) after the claimed time: without a timestamp the claim proves nothing', async () => {
    const claimed = new Date(hourAgo.getTime() - 600_000);
    const revokedAt = new Date(hourAgo.getTime() + 600_000);
    for (const reasonCode of ['cessationOfOperation', 'keyCompromise'] as const) {
      const { cert, signed } = await signedBy(`Retired ${reasonCode}`, claimed);
      sub.revoke(cert, { revocationDate: revokedAt, reason: reasonCode });
      const s = (await verify(signed, await crls())).signatures[0];
      expect(s).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'REVOKED_NO_POE',
        signingTime: { claimed: claimed.toISOString(), timestamped: null },
      });
      expect(s.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['REVOKED', 'NO_PROOF_OF_EXISTENCE']));
    }
  });
});
