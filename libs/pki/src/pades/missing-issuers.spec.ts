import { PDFDocument } from 'pdf-lib';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa } from '../devca';
import { IssuerFetcher } from '../validation';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

/** VGCA-signed PDFs often carry only the signer's certificate: the issuer comes from AIA caIssuers. */
describe('verifyPdf with a leaf-only signature', () => {
  let root: DevCa;
  let signed: Uint8Array;
  let sub: DevCa;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Leaf-only Root' });
    sub = await root.createSubordinate({ commonName: 'Leaf-only CA', caIssuersUrl: 'http://ca.test/sub.cer' });
    const who = await issuePerson(sub, { CN: 'Phạm Văn E', O: 'Sở Y tế', C: 'VN' });
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    signed = await signPdf(await doc.save(), {
      signer: who.key.signer,
      certificate: who.cert,
      chain: [],
      signingTime: new Date(),
    });
  });

  const server = (body?: Uint8Array): IssuerFetcher & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      fetchCertificates: async (url) => {
        asked.push(url);
        if (!body) throw new Error('HTTP 503');
        return body;
      },
    };
  };

  it('finds no chain without the issuer', async () => {
    const report = await verifyPdf(signed, { trustAnchors: [root.certificate] });
    expect(report.signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
  });

  it('completes the chain from the caIssuers URL and validates', async () => {
    const fetcher = server(new Uint8Array(sub.certificate.der));
    const report = await verifyPdf(signed, { trustAnchors: [root.certificate], issuerFetcher: fetcher });
    expect(fetcher.asked).toEqual(['http://ca.test/sub.cer']);
    expect(report.signatures[0].indication).toBe('TOTAL-PASSED');
    expect(report.signatures[0].chain.map((c) => c.subject)).toHaveLength(3);
  });

  it('stays without a chain when the download fails, never crashing the report, and says why', async () => {
    const report = await verifyPdf(signed, { trustAnchors: [root.certificate], issuerFetcher: server() });
    expect(report.signatures[0].subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect(report.signatures[0].reasons).toContainEqual(
      expect.objectContaining({
        code: 'NO_CERTIFICATE_CHAIN_FOUND',
        detail: 'issuer CN=Leaf-only CA, C=VN; caIssuers http://ca.test/sub.cer: HTTP 503',
      }),
    );
  });

  it('does not download when the document carries the chain', async () => {
    const who = await issuePerson(sub, { CN: 'Đỗ Thị F', O: 'Sở Y tế', C: 'VN' });
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    const withChain = await signPdf(await doc.save(), {
      signer: who.key.signer,
      certificate: who.cert,
      chain: [sub.certificate],
      signingTime: new Date(),
    });
    const fetcher = server();
    await verifyPdf(withChain, { trustAnchors: [root.certificate], issuerFetcher: fetcher });
    expect(fetcher.asked).toEqual([]);
  });
});
