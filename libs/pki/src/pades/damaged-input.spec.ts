import { buildPdf, makePdf, qpdf } from '../../test-fixtures/pdf/make-pdfs';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa } from '../devca';
import { findSignatures, PdfFormatError, recoverSignatures } from '../pdf';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

/** Issue 10: a damaged PDF gets a report; only a file that is not a PDF at all is refused. */
describe('verifyPdf on damaged input', () => {
  let root: DevCa;
  let sign: (pdf: Uint8Array) => Promise<Uint8Array>;
  const verify = (pdf: Uint8Array) => verifyPdf(pdf, { trustAnchors: [root.certificate] });
  const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Damage Root' });
    const signer = await issuePerson(root, { CN: 'Official', C: 'VN' });
    const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    sign = (pdf) => signPdf(pdf, { signer: signer.key.signer, certificate: signer.cert, chain: [], signingTime });
  });

  /** Two pages; the xref entry of the second page points at the catalog: signing reads only the first page. */
  function brokenSecondPage(): Uint8Array {
    const pdf = buildPdf([
      '<</Type/Catalog/Pages 2 0 R>>',
      '<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>',
      '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>',
      '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>',
    ]);
    const text = Buffer.from(pdf).toString('latin1');
    const entries = text.slice(text.indexOf('xref')).match(/\d{10} 00000 n/g)!;
    return new Uint8Array(Buffer.from(text.replace(entries[3], entries[0]), 'latin1'));
  }

  it('refuses only what is not a PDF at all', async () => {
    await expect(verify(new Uint8Array(Buffer.from('not a PDF\n')))).rejects.toMatchObject({ code: 'NOT_A_PDF' });
    await expect(verify(new Uint8Array())).rejects.toBeInstanceOf(PdfFormatError);
  });

  it('reports a signature over a file whose page tree cannot be read: found by scanning, FORMAT_FAILURE', async () => {
    const signed = await sign(brokenSecondPage());
    expect(() => findSignatures(signed)).toThrow(PdfFormatError);
    expect(recoverSignatures(signed)).toHaveLength(1);
    const report = await verify(signed);
    expect(report).toMatchObject({ conclusion: 'TOTAL-FAILED', signatureCount: 1 });
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
      fieldName: 'Signature1',
      coverage: { coversWholeRevision: true, coversWholeDocument: true },
      digestAlgorithm: 'SHA-256',
    });
    expect(codes(report.signatures[0].reasons)).toContain('PDF_STRUCTURE_DAMAGED');
    expect(codes(report.reasons)).toEqual(['PDF_STRUCTURE_DAMAGED']);
  });

  it('reports a signed file cut short (no xref, no trailer)', async () => {
    const signed = await sign(brokenSecondPage());
    const report = await verify(signed.subarray(0, signed.length - 150));
    expect(report.signatureCount).toBe(1);
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(codes(report.reasons)).toContain('PDF_STRUCTURE_DAMAGED');
  });

  it('reports a signed file saved again whole by qpdf: the byte range fails, no change is invented', async () => {
    const signed = await sign(await makePdf({ pages: 2 }));
    // Object streams make the rewrite shorter than the signed revision, as a "Save as" usually is.
    const rewritten = qpdf(signed, ['--object-streams=generate']);
    expect(rewritten.length).toBeLessThan(signed.length);
    const report = await verify(rewritten);
    expect(report.signatureCount).toBe(1);
    const [signature] = report.signatures;
    expect(signature).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(signature.reasons).toContainEqual(
      expect.objectContaining({
        code: 'BYTE_RANGE_INVALID',
        detail: expect.stringContaining('BYTE_RANGE_OUT_OF_FILE'),
      }),
    );
    expect(signature.modifications).toEqual({
      changedAfterSigning: true,
      allowed: null,
      description: [
        expect.stringMatching(
          /^the signed revision cannot be found: the byte range ends at \d+, beyond the file's \d+ bytes/,
        ),
      ],
    });
    expect(codes(signature.reasons)).not.toContain('MODIFIED_AFTER_SIGNING');
  });

  it('reports an unsigned damaged PDF as having no signature', async () => {
    const pdf = brokenSecondPage();
    const report = await verify(pdf.subarray(0, pdf.length - 60));
    expect(report).toMatchObject({ conclusion: 'INDETERMINATE', signatureCount: 0 });
    expect(codes(report.reasons)).toEqual(['NO_SIGNATURE', 'PDF_STRUCTURE_DAMAGED']);
  });
});
