import { dummyCms, makePdf, qpdf, qpdfCheck } from '../../test-fixtures/pdf/make-pdfs';
import { classifyChanges } from './change-policy';
import { describeChangesAfter } from './changes';
import { PdfDocument } from './document';
import { appendIncrementalUpdate, nextObjectNumber } from './incremental';
import { PdfName, PdfRef, PdfStream, pdfDict } from './objects';
import { embedSignature, preparePdfSignature } from './prepare';
import { serializeValue } from './serialize';
import { findSignatures } from './signatures';

const signingTime = new Date('2026-11-25T11:30:00Z');
const sign = (pdf: Uint8Array, size = 900) => embedSignature(preparePdfSignature(pdf, { signingTime }), dummyCms(size));

/** Appends an update that draws extra text on the first page: a new content stream and a changed page. */
function appendContentChange(pdf: Uint8Array): Uint8Array {
  const doc = PdfDocument.open(pdf);
  const page = doc.firstPage();
  const num = nextObjectNumber(doc);
  const data = Buffer.from('BT /F1 24 Tf 100 100 Td (PAID) Tj ET', 'latin1');
  const stream = new PdfStream(pdfDict({}), data, 0, data.length);
  const old = doc.resolve(page.dict.get('Contents'));
  const contents = [...(Array.isArray(old) ? old : [page.dict.get('Contents')!]), new PdfRef(num, 0)];
  return appendIncrementalUpdate(
    doc,
    [
      { num, gen: 0, body: serializeValue(stream) },
      { num: page.ref.num, gen: page.ref.gen, body: serializeValue(page.dict.clone().set('Contents', contents)) },
    ],
    'content-change',
  ).pdf;
}

/** Appends a PAdES DSS (certificates, VRI) to the catalog, as a B-LT extension would. */
function appendDss(pdf: Uint8Array): Uint8Array {
  const doc = PdfDocument.open(pdf);
  const catalog = doc.catalog();
  let n = nextObjectNumber(doc);
  const cert = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]);
  const certNum = n++;
  const vriNum = n++;
  const dssNum = n++;
  return appendIncrementalUpdate(
    doc,
    [
      { num: certNum, gen: 0, body: serializeValue(new PdfStream(pdfDict({}), cert, 0, cert.length)) },
      { num: vriNum, gen: 0, body: serializeValue(pdfDict({ ABCDEF: pdfDict({ Cert: [new PdfRef(certNum, 0)] }) })) },
      {
        num: dssNum,
        gen: 0,
        body: serializeValue(
          pdfDict({ Type: new PdfName('DSS'), Certs: [new PdfRef(certNum, 0)], VRI: new PdfRef(vriNum, 0) }),
        ),
      },
      {
        num: catalog.ref.num,
        gen: catalog.ref.gen,
        body: serializeValue(catalog.dict.clone().set('DSS', new PdfRef(dssNum, 0))),
      },
    ],
    'dss',
  ).pdf;
}

describe('describeChangesAfter / classifyChanges', () => {
  it.each([
    ['classic xref', { useObjectStreams: false }],
    ['xref and object streams', { useObjectStreams: true }],
  ])('reports a second signature as allowed (%s)', async (_l, opts) => {
    const once = sign(await makePdf({ pages: 2, ...opts }));
    const twice = sign(once);
    const [first] = findSignatures(twice);
    const changes = describeChangesAfter(twice, first.revisionLength);
    expect(changes.map((c) => [c.role, c.change])).toEqual(
      expect.arrayContaining([
        ['signature', 'added'],
        ['signature-field', 'added'],
        ['page', 'changed'],
      ]),
    );
    expect(changes.some((c) => c.role === 'catalog' || c.role === 'acroform')).toBe(true);
    expect(changes.find((c) => c.role === 'signature')).toMatchObject({ type: 'Sig' });
    expect(changes.find((c) => c.role === 'signature-field')).toMatchObject({ fieldType: 'Sig', subtype: 'Widget' });
    const verdict = classifyChanges(changes);
    expect(verdict).toMatchObject({ allowed: true });
    expect(verdict.description.every((d) => d.startsWith('allowed'))).toBe(true);
    // Nothing after the last signature.
    expect(describeChangesAfter(twice, findSignatures(twice)[1].revisionLength)).toEqual([]);
  });

  it('reports a content stream appended after a signature as not allowed', async () => {
    const signed = sign(await makePdf());
    const tampered = appendContentChange(signed);
    expect(qpdfCheck(tampered).status).toBe(0);
    const [sig] = findSignatures(tampered);
    expect(sig).toMatchObject({ byteRangeValid: true, coversWholeDocument: false });
    const changes = describeChangesAfter(tampered, sig.revisionLength);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'page-content', change: 'added' }),
        expect.objectContaining({
          role: 'page',
          change: 'changed',
          keys: { added: [], removed: [], modified: ['Contents'] },
        }),
      ]),
    );
    const verdict = classifyChanges(changes);
    expect(verdict.allowed).toBe(false);
    expect(verdict.description.filter((d) => d.startsWith('not allowed'))).toHaveLength(2);
  });

  it('reports a content change hidden next to a later signature as not allowed', async () => {
    const once = sign(qpdf(await makePdf(), ['--object-streams=generate']));
    const twice = sign(appendContentChange(once));
    const [first] = findSignatures(twice);
    expect(classifyChanges(describeChangesAfter(twice, first.revisionLength)).allowed).toBe(false);
  });

  it('allows DSS/VRI additions after a signature', async () => {
    const signed = sign(await makePdf({ useObjectStreams: true }));
    const extended = appendDss(signed);
    const changes = describeChangesAfter(extended, findSignatures(extended)[0].revisionLength);
    expect(changes.map((c) => c.role).sort()).toEqual(['catalog', 'dss', 'dss', 'dss', 'structure']);
    expect(classifyChanges(changes).allowed).toBe(true);
  });

  it('does not let a DSS entry launder a changed content stream', async () => {
    const signed = sign(await makePdf());
    const doc = PdfDocument.open(signed);
    const page = doc.firstPage();
    const contents = page.dict.get('Contents');
    const target = (Array.isArray(contents) ? contents[0] : contents) as PdfRef;
    const data = Buffer.from('BT /F1 24 Tf 100 100 Td (FORGED) Tj ET', 'latin1');
    const dssNum = nextObjectNumber(doc);
    const catalog = doc.catalog();
    const tampered = appendIncrementalUpdate(
      doc,
      [
        { num: target.num, gen: target.gen, body: serializeValue(new PdfStream(pdfDict({}), data, 0, data.length)) },
        { num: dssNum, gen: 0, body: serializeValue(pdfDict({ Certs: [target] })) },
        {
          num: catalog.ref.num,
          gen: catalog.ref.gen,
          body: serializeValue(catalog.dict.clone().set('DSS', new PdfRef(dssNum, 0))),
        },
      ],
      'laundering',
    ).pdf;
    const changes = describeChangesAfter(tampered, findSignatures(tampered)[0].revisionLength);
    expect(changes.find((c) => c.objectNumber === target.num)).toMatchObject({
      role: 'page-content',
      change: 'changed',
      isStream: true,
    }); // the role it had when signed
    expect(classifyChanges(changes).allowed).toBe(false);
  });
});
