import { PDFDocument } from 'pdf-lib';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa } from '../devca';
import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

/** verifyPdf with revocation: status decided at the claimed signing time, unknown is never good. */
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

  async function signedBy(name: string) {
    const { key, cert } = await issuePerson(
      sub,
      { CN: name, C: 'VN' },
      { notBefore: new Date(signingTime.getTime() - 7200_000) },
    );
    const signed = await signPdf(pdf, { signer: key.signer, certificate: cert, chain: [sub.certificate], signingTime });
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

  it('keeps a signature made before an ordinary revocation, but not one whose key was compromised since', async () => {
    const later = new Date(signingTime.getTime() + 60_000);
    const a = await signedBy('Retired Later');
    sub.revoke(a.cert, { revocationDate: later, reason: 'cessationOfOperation' });
    const b = await signedBy('Compromised Later');
    sub.revoke(b.cert, { revocationDate: later, reason: 'keyCompromise' });
    const list = [
      Crl.fromDer(await root.issueCrl({ thisUpdate: hourAgo })),
      Crl.fromDer(await sub.issueCrl({ thisUpdate: hourAgo })),
    ];
    expect((await verify(a.signed, list)).signatures[0].indication).toBe('TOTAL-PASSED');
    const compromised = (await verify(b.signed, list)).signatures[0];
    expect(compromised).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
    expect(compromised.reasons.map((r) => r.code)).toContain('KEY_COMPROMISED_AFTER_CLAIMED_TIME');
  });
});
