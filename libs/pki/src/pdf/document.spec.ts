import { buildPdf, dummyCms, qpdfCheck } from '../../test-fixtures/pdf/make-pdfs';
import { checkPdfStructure } from './check';
import { PdfDocument } from './document';
import { embedSignature, preparePdfSignature } from './prepare';
import { findSignatures } from './signatures';

const signingTime = new Date('2026-11-25T11:30:00Z');
const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** A hybrid-reference file (7.5.8.4): the catalog sits in an object stream that only /XRefStm lists. */
function hybridPdf(): Uint8Array {
  const parts: Buffer[] = [];
  const offsets: Record<number, number> = {};
  let length = 0;
  const add = (b: Buffer, num?: number) => {
    if (num !== undefined) offsets[num] = length;
    parts.push(b);
    length += b.length;
  };
  add(latin1('%PDF-1.5\n'));
  add(latin1('2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n'), 2);
  add(latin1('3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>\nendobj\n'), 3);
  const objStm = '1 0 <</Type/Catalog/Pages 2 0 R>>';
  add(
    latin1(`4 0 obj\n<</Type/ObjStm/N 1/First 4/Length ${objStm.length}>>\nstream\n${objStm}\nendstream\nendobj\n`),
    4,
  );
  const row = (type: number, a: number, b: number) => [type, a >> 8, a & 0xff, b];
  const data = Buffer.from([...row(2, 4, 0), ...row(1, offsets[4], 0), ...row(1, length, 0)]);
  add(
    Buffer.concat([
      latin1(`5 0 obj\n<</Type/XRef/Size 6/W[1 2 1]/Index[1 1 4 2]/Length ${data.length}>>\nstream\n`),
      data,
      latin1('\nendstream\nendobj\n'),
    ]),
    5,
  );
  const e = (n: number) => `${String(offsets[n]).padStart(10, '0')} 00000 n\r\n`;
  const xref = `xref\n0 6\n0000000000 65535 f\r\n0000000000 65535 f\r\n${e(2)}${e(3)}${e(4)}${e(5)}`;
  add(latin1(`${xref}trailer\n<</Size 6/Root 1 0 R/XRefStm ${offsets[5]}>>\nstartxref\n${length}\n%%EOF\n`));
  return new Uint8Array(Buffer.concat(parts));
}

/** A three-object file whose classic xref entries are written by `entry(offset, gen, keyword)`. */
function classicPdf(entry: (offset: number, gen: number, keyword: string) => string): Uint8Array {
  const objects = [
    '1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n',
    '2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n',
    '3 7 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>\nendobj\n',
  ];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((o) => {
    const at = body.length;
    body += o;
    return at;
  });
  const rows = [entry(0, 65535, 'f'), entry(offsets[0], 0, 'n'), entry(offsets[1], 0, 'n'), entry(offsets[2], 7, 'n')];
  const xref = `xref\n0 4\n${rows.join('')}trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n${body.length}\n%%EOF\n`;
  return latin1(body + xref);
}

describe('PdfDocument', () => {
  it('reads classic xref entries the same in the 20-byte layout and in looser ones', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const standard = PdfDocument.open(classicPdf((o, g, k) => `${pad(o, 10)} ${pad(g, 5)} ${k}\r\n`));
    expect([...standard.entries]).toEqual([
      [0, { type: 'free' }],
      [1, { type: 'offset', offset: 9, gen: 0 }],
      [2, expect.objectContaining({ type: 'offset', gen: 0 })],
      [3, expect.objectContaining({ type: 'offset', gen: 7 })],
    ]);
    expect(standard.firstPage().ref.num).toBe(3);
    const loose = [
      (o: number, g: number, k: string) => `${pad(o, 10)} ${pad(g, 5)} ${k} \n`,
      (o: number, g: number, k: string) => `${pad(o, 10)} ${pad(g, 5)} ${k}\n`,
      (o: number, g: number, k: string) => `${o} ${g} ${k}\n`,
      (o: number, g: number, k: string) => `  ${pad(o, 10)}  ${pad(g, 5)}\t${k}% note\r\n`,
      (o: number, g: number, k: string) => `${pad(o, 11)} ${pad(g, 4)} ${k}\r\n`,
    ];
    for (const entry of loose) expect(PdfDocument.open(classicPdf(entry)).entries).toEqual(standard.entries);
    for (const bad of [
      (o: number, g: number) => `${pad(o, 10)} ${pad(g, 5)} x\r\n`,
      (o: number, g: number, k: string) => `${pad(o, 10)} ${pad(g, 5)} ${k}x\n`,
      (o: number, g: number, k: string) => `${pad(o, 9)}a ${pad(g, 5)} ${k}\r\n`,
    ])
      expect(() => PdfDocument.open(classicPdf(bad))).toThrow(expect.objectContaining({ code: 'MALFORMED_PDF' }));
  });

  it('reads a hybrid-reference file through /XRefStm and signs it with a classic update', () => {
    const pdf = hybridPdf();
    expect(qpdfCheck(pdf).status).toBe(0);
    const doc = PdfDocument.open(pdf);
    expect(doc.catalog().dict.name('Type')).toBe('Catalog');
    expect(doc.firstPage().ref.num).toBe(3);
    const prepared = preparePdfSignature(pdf, { signingTime });
    expect(Buffer.from(prepared.pdf.subarray(pdf.length)).toString('latin1')).toMatch(/\nxref\n[\s\S]*\/Prev \d+/);
    const signed = embedSignature(prepared, dummyCms());
    expect(qpdfCheck(signed)).toMatchObject({ status: 0 });
    expect(findSignatures(signed)[0]).toMatchObject({ byteRangeValid: true, coversWholeDocument: true });
  });

  it('appends to an indirect /Annots array and a direct /AcroForm, keeping other fields', () => {
    const pdf = buildPdf([
      '<</Type/Catalog/Pages 2 0 R/AcroForm <</Fields [5 0 R] /DA (/Helv 0 Tf 0 g)>>>>',
      '<</Type/Pages/Kids[3 0 R]/Count 1>>',
      '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots 4 0 R>>',
      '[5 0 R]',
      '<</Type/Annot/Subtype/Widget/FT/Tx/T (SoVanBan)/V (12/UBND)/Rect[10 10 100 30]/P 3 0 R>>',
    ]);
    const signed = embedSignature(preparePdfSignature(pdf, { signingTime }), dummyCms());
    expect(qpdfCheck(signed).status).toBe(0);
    const doc = PdfDocument.open(signed);
    expect(doc.fields().map((f) => [f.name, f.fieldType])).toEqual([
      ['SoVanBan', 'Tx'],
      ['Signature1', 'Sig'],
    ]);
    const annots = doc.resolve(doc.firstPage().dict.get('Annots'));
    expect(Array.isArray(annots) && annots.length).toBe(2);
    expect(doc.resolveDict(doc.catalog().dict.get('AcroForm'))?.get('SigFlags')).toBe(3);
  });

  it('reads qualified names and inherited /FT through /Kids', () => {
    const pdf = buildPdf([
      '<</Type/Catalog/Pages 2 0 R/AcroForm <</Fields [4 0 R]>>>>',
      '<</Type/Pages/Kids[3 0 R]/Count 1>>',
      '<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>',
      '<</T (KyDuyet)/FT/Sig/Kids [5 0 R 6 0 R]>>',
      '<</T (LanhDao)/Parent 4 0 R/Kids [7 0 R]>>',
      '<</T (VanThu)/Parent 4 0 R>>',
      '<</Type/Annot/Subtype/Widget/Parent 5 0 R/Rect[0 0 0 0]>>',
    ]);
    expect(
      PdfDocument.open(pdf)
        .fields()
        .map((f) => [f.name, f.fieldType]),
    ).toEqual([
      ['KyDuyet.LanhDao', 'Sig'],
      ['KyDuyet.VanThu', 'Sig'],
    ]);
  });
});

describe('findSignatures problems', () => {
  const signed = () =>
    embedSignature(
      preparePdfSignature(
        buildPdf([
          '<</Type/Catalog/Pages 2 0 R>>',
          '<</Type/Pages/Kids[3 0 R]/Count 1>>',
          '<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>',
        ]),
        { signingTime, contentsSize: 200 },
      ),
      dummyCms(100),
    );
  /** Rewrites the /ByteRange numbers in place (same width). */
  const withByteRange = (pdf: Uint8Array, f: (br: number[]) => number[]) => {
    const s = Buffer.from(pdf).toString('latin1');
    const m = /\/ByteRange \[([\d ]+)\]/.exec(s)!;
    const text = `[${f(m[1].trim().split(/\s+/).map(Number)).join(' ')}`.padEnd(m[0].length - 12, ' ') + ']';
    return new Uint8Array(Buffer.from(s.replace(m[0], `/ByteRange ${text}`), 'latin1'));
  };

  it('reports a gap that is not the /Contents string', () => {
    const [sig] = findSignatures(withByteRange(signed(), ([a, b, c, d]) => [a, b - 1, c, d]));
    expect(sig.byteRangeValid).toBe(false);
    expect(sig.problems).toContain('BYTE_RANGE_GAP_MISMATCH');
  });

  it('reports ranges beyond the file and not ending at %%EOF', () => {
    const [sig] = findSignatures(withByteRange(signed(), ([a, b, c, d]) => [a, b, c, d + 10]));
    expect(sig.problems).toEqual(expect.arrayContaining(['BYTE_RANGE_OUT_OF_FILE']));
    const [short] = findSignatures(withByteRange(signed(), ([a, b, c, d]) => [a, b, c, d - 10]));
    expect(short.problems).toEqual(['BYTE_RANGE_NOT_AT_EOF']);
    expect(short.coversWholeDocument).toBe(false);
  });

  it('reports an empty placeholder as not DER and accepts trailing whitespace after %%EOF', () => {
    const prepared = preparePdfSignature(signed(), { signingTime });
    const [, second] = findSignatures(prepared.pdf);
    expect(second.problems).toEqual(['CONTENTS_NOT_DER']);
    expect(second.contents.length).toBe(0);
    const padded = new Uint8Array([...signed(), 0x0a, 0x0a, 0x20]);
    expect(findSignatures(padded)[0]).toMatchObject({ byteRangeValid: true, coversWholeDocument: true });
  });

  it('handles a large document without re-serializing it', () => {
    const big = Buffer.alloc(30 * 1024 * 1024, 0x20);
    const bodies: (string | Uint8Array)[] = [
      '<</Type/Catalog/Pages 2 0 R>>',
      '<</Type/Pages/Kids[3 0 R]/Count 1>>',
      '<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Contents 4 0 R>>',
      Buffer.concat([latin1(`<</Length ${big.length}>>\nstream\n`), big, latin1('\nendstream')]),
    ];
    for (let i = 0; i < 50_000; i++) bodies.push(`<</Type/Annot/Subtype/Text/Rect[0 0 1 1]/Contents(n${i})>>`);
    const pdf = buildPdf(bodies);
    const started = Date.now();
    checkPdfStructure(pdf);
    const prepared = preparePdfSignature(pdf, { signingTime });
    expect(prepared.pdf.length - pdf.length).toBeLessThan(40_000);
    expect(findSignatures(embedSignature(prepared, dummyCms()))[0].byteRangeValid).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
