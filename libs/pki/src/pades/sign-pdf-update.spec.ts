import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { issuePerson, TestSigner } from '../../test-fixtures/signers';
import { DevCa } from '../devca';
import { embedSignatureInUpdate, PdfFormatError, preparePdfSignatureUpdate } from '../pdf';
import { signPdfUpdate } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

const SIGNING_TIME = new Date(Math.floor(Date.now() / 1000) * 1000);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('signPdfUpdate: the signature as bytes appended to an untouched input', () => {
  let root: DevCa;
  let signer: TestSigner;
  let unsigned: Uint8Array;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Kyso Update Root', organization: 'Kyso' });
    signer = await issuePerson(root, { CN: 'Nguyễn Văn A', O: 'Sở Nội vụ', C: 'VN' });
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    unsigned = await doc.save();
  });

  it('gives an update that, after the input, verifies; and the digests of input and signed file', async () => {
    const copy = Buffer.from(unsigned);
    const r = await signPdfUpdate(copy, {
      signer: signer.key.signer,
      certificate: signer.cert,
      chain: [],
      signingTime: SIGNING_TIME,
    });
    expect(copy.equals(Buffer.from(unsigned))).toBe(true); // the input is not written to
    const signed = Buffer.concat([unsigned, r.update]);
    expect(r.inputSha256).toBe(sha256(unsigned));
    expect(r.signedSha256).toBe(sha256(signed));
    const report = await verifyPdf(signed, { trustAnchors: [root.certificate] });
    expect(report).toMatchObject({ conclusion: 'TOTAL-PASSED', signatureCount: 1 });
    expect(report.signatures[0].coverage).toMatchObject({ coversWholeDocument: true });
  });

  it('continues a given SHA-256 state of the input (hashed at upload) instead of hashing the input again', async () => {
    const state = createHash('sha256').update(unsigned);
    const r = await signPdfUpdate(unsigned, {
      signer: signer.key.signer,
      certificate: signer.cert,
      chain: [],
      signingTime: SIGNING_TIME,
      inputSha256: state,
    });
    const signed = Buffer.concat([unsigned, r.update]);
    expect(r.inputSha256).toBe(sha256(unsigned));
    expect(r.signedSha256).toBe(sha256(signed));
    expect(state.copy().digest('hex')).toBe(sha256(unsigned)); // not consumed
    const report = await verifyPdf(signed, { trustAnchors: [root.certificate] });
    expect(report).toMatchObject({ conclusion: 'TOTAL-PASSED', signatureCount: 1 });
  });

  it('uses the given state, not the bytes, for the digests: a state of other bytes gives a signature that fails', async () => {
    const r = await signPdfUpdate(unsigned, {
      signer: signer.key.signer,
      certificate: signer.cert,
      chain: [],
      signingTime: SIGNING_TIME,
      inputSha256: createHash('sha256').update('not the input'),
    });
    expect(r.inputSha256).not.toBe(sha256(unsigned));
    const report = await verifyPdf(Buffer.concat([unsigned, r.update]), { trustAnchors: [root.certificate] });
    expect(report.conclusion).not.toBe('TOTAL-PASSED');
  });

  it('refuses to embed into an update whose byte range does not match it', () => {
    const prepared = preparePdfSignatureUpdate(unsigned, { signingTime: SIGNING_TIME, contentsSize: 64 });
    const [a, b, c, d] = prepared.byteRange;
    expect(() => embedSignatureInUpdate({ ...prepared, byteRange: [a, b, c, d + 1] }, new Uint8Array(8))).toThrow(
      PdfFormatError,
    );
    expect(() => embedSignatureInUpdate(prepared, new Uint8Array(65))).toThrow(/reserved/);
    expect(embedSignatureInUpdate(prepared, new Uint8Array([0xab]))).toBe(prepared.update);
  });
});
