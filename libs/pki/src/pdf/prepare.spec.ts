import { dummyCms, makePdf, pdfsig, qpdf, qpdfCheck } from '../../test-fixtures/pdf/make-pdfs';
import { PdfDocument } from './document';
import { PdfFormatError } from './errors';
import { embedSignature, preparePdfSignature, signedByteRanges } from './prepare';
import { findSignatures } from './signatures';

const signingTime = new Date('2026-11-25T11:30:00Z');

describe('preparePdfSignature over generated documents', () => {
  const variants: [string, () => Promise<Uint8Array>][] = [
    ['pdf-lib, one page, classic xref', () => makePdf()],
    ['pdf-lib, three pages, object streams', () => makePdf({ pages: 3, useObjectStreams: true })],
    ['pdf-lib, three pages, no object streams', () => makePdf({ pages: 3, useObjectStreams: false })],
    ['qpdf --object-streams=generate', async () => qpdf(await makePdf({ pages: 2 }), ['--object-streams=generate'])],
    ['qpdf --linearize', async () => qpdf(await makePdf({ pages: 4 }), ['--linearize'])],
  ];

  it.each(variants)(
    '%s: appends a valid update whose byte range excludes exactly the hex string',
    async (_label, make) => {
      const original = await make();
      const prepared = preparePdfSignature(original, {
        signingTime,
        reason: 'Phê duyệt văn bản',
        location: 'Hà Nội',
        name: 'Nguyễn Văn A',
      });
      const { pdf, byteRange } = prepared;

      expect(Buffer.from(pdf.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
      expect(byteRange[0]).toBe(0);
      expect(String.fromCharCode(pdf[byteRange[1]])).toBe('<');
      expect(String.fromCharCode(pdf[byteRange[2] - 1])).toBe('>');
      expect(byteRange[2] - byteRange[1]).toBe(2 * prepared.contentsSize + 2);
      expect(byteRange[2] + byteRange[3]).toBe(pdf.length);
      expect(Buffer.from(pdf.subarray(pdf.length - 6)).toString('latin1')).toBe('%%EOF\n');
      // The update's xref is of the kind of the input's newest section.
      const update = Buffer.from(pdf.subarray(original.length)).toString('latin1');
      const newestKind = PdfDocument.open(original).chain.sections[0].kind;
      expect(/\/Type \/XRef/.test(update)).toBe(newestKind === 'stream');
      expect(/\nxref\n/.test(update)).toBe(newestKind === 'table');

      const [a, b] = signedByteRanges(pdf, byteRange);
      expect(a.buffer).toBe(pdf.buffer); // views, not copies
      expect(a.length + b.length + 2 * prepared.contentsSize + 2).toBe(pdf.length);

      const signed = embedSignature(prepared, dummyCms());
      const check = qpdfCheck(signed);
      expect(check.output).toContain('No syntax or stream encoding errors found');
      expect(check.output).not.toMatch(/WARNING/);
      expect(check.status).toBe(0);

      const [sig] = findSignatures(signed);
      expect(sig).toMatchObject({
        fieldName: 'Signature1',
        byteRange,
        filter: 'Adobe.PPKLite',
        subFilter: 'ETSI.CAdES.detached',
        reason: 'Phê duyệt văn bản',
        location: 'Hà Nội',
        name: 'Nguyễn Văn A',
        signingTimeRaw: "D:20261125183000+07'00'",
        byteRangeValid: true,
        coversWholeDocument: true,
        problems: [],
      });
      expect(sig.signingTime?.toISOString()).toBe(signingTime.toISOString());
      expect(Buffer.from(sig.contents).equals(Buffer.from(dummyCms()))).toBe(true);
    },
  );

  it('keeps the first signature intact when a second one is added after embedding', async () => {
    const first = preparePdfSignature(await makePdf({ pages: 2, useObjectStreams: true }), {
      signingTime,
      reason: 'Lãnh đạo ký',
    });
    const once = embedSignature(first, dummyCms(900, 0x11));
    const second = preparePdfSignature(once, {
      signingTime: new Date('2026-11-26T02:00:00Z'),
      contactInfo: 'vanthu@example.gov.vn',
    });
    const twice = embedSignature(second, dummyCms(1000, 0x22));

    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
    const sigs = findSignatures(twice);
    expect(sigs.map((s) => s.fieldName)).toEqual(['Signature1', 'Signature2']);
    expect(sigs[0]).toMatchObject({
      byteRange: first.byteRange,
      byteRangeValid: true,
      coversWholeDocument: false,
      revisionLength: once.length,
    });
    expect(sigs[1]).toMatchObject({
      byteRange: second.byteRange,
      byteRangeValid: true,
      coversWholeDocument: true,
      contactInfo: 'vanthu@example.gov.vn',
    });
    expect(qpdfCheck(twice).status).toBe(0);
    expect(pdfsig(twice).output).toMatch(/Signature #2/);
  });

  it('updates an indirect /AcroForm in place and keeps existing fields', async () => {
    const linearized = qpdf(await makePdf(), ['--object-streams=generate']);
    const a = embedSignature(preparePdfSignature(linearized, { signingTime, fieldName: 'LanhDao' }), dummyCms());
    const b = embedSignature(preparePdfSignature(a, { signingTime, subFilter: 'adbe.pkcs7.detached' }), dummyCms());
    const sigs = findSignatures(b);
    expect(sigs.map((s) => [s.fieldName, s.subFilter])).toEqual([
      ['LanhDao', 'ETSI.CAdES.detached'],
      ['Signature1', 'adbe.pkcs7.detached'],
    ]);
    expect(() => preparePdfSignature(b, { signingTime, fieldName: 'LanhDao' })).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_FIELD_EXISTS' }),
    );
  });

  it('refuses a CMS larger than the placeholder', async () => {
    const prepared = preparePdfSignature(await makePdf(), { signingTime, contentsSize: 1000 });
    expect(() => embedSignature(prepared, dummyCms(1001))).toThrow(PdfFormatError);
    expect(() => embedSignature(prepared, dummyCms(1001))).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_TOO_LARGE' }),
    );
    expect(() => embedSignature(prepared, dummyCms(1000))).not.toThrow();
  });
});
