import { appendRaw, objectText } from '../../test-fixtures/pdf/attacks';
import { buildPdf, dummyCms } from '../../test-fixtures/pdf/make-pdfs';
import { classifyChanges } from './change-policy';
import { describeChangesAfter, permissionsAt } from './changes';
import { PdfDocument } from './document';
import { embedSignature, preparePdfSignature } from './prepare';
import { findSignatures } from './signatures';

const signingTime = new Date('2026-11-25T11:30:00Z');
const sign = (pdf: Uint8Array) => embedSignature(preparePdfSignature(pdf, { signingTime }), dummyCms(900));
const stream = (dict: string, data: string) => `<<${dict}/Length ${data.length}>>\nstream\n${data}\nendstream`;
const XMP = (title: string) => `<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:title>${title}</dc:title></x:xmpmeta>`;

/**
 * A tagged one-page form, signed. Objects: 1 catalog, 2 pages, 3 page, 4 content, 5 resources,
 * 6 font, 7 text field "amount" (filled: 100), 8 text field "remark" (empty), 9 AcroForm, 10 XMP,
 * 11 StructTreeRoot, 12 StructElem, 13 ParentTree, 14 Info, 15 the certification's signature
 * dictionary (DocMDP with `p`, FieldMDP with `lock`), reached from /Perms only when `p` is given.
 */
function signedForm(opts: { p?: 1 | 2 | 3; lock?: string; indirect?: 'P' | 'TransformMethod' } = {}): Uint8Array {
  // object 16 holds P or the name DocMDP when `indirect` says so
  const p = opts.indirect === 'P' ? '16 0 R' : opts.p;
  const method = opts.indirect === 'TransformMethod' ? ' 16 0 R' : '/DocMDP';
  const refs = [
    opts.p ? `<</TransformMethod${method}/TransformParams<</Type/TransformParams/P ${p}/V/1.2>>>>` : '',
    opts.lock ? `<</TransformMethod/FieldMDP/TransformParams<<${opts.lock}/V/1.2>>>>` : '',
  ].join('');
  const perms = opts.p || opts.lock ? '/Perms<</DocMDP 15 0 R>>' : '';
  const pdf = buildPdf(
    [
      `<</Type/Catalog/Pages 2 0 R/AcroForm 9 0 R/Metadata 10 0 R/StructTreeRoot 11 0 R/MarkInfo<</Marked true>>${perms}>>`,
      '<</Type/Pages/Kids[3 0 R]/Count 1>>',
      '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources 5 0 R/Annots[7 0 R 8 0 R]/StructParents 0>>',
      stream('', '/P <</MCID 0>> BDC BT /F1 18 Tf 50 700 Td (Pay 100 VND) Tj ET EMC'),
      '<</Font<</F1 6 0 R>>>>',
      '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
      '<</FT/Tx/T(amount)/V(100)/Type/Annot/Subtype/Widget/Rect[50 600 200 620]/P 3 0 R>>',
      '<</FT/Tx/T(remark)/Type/Annot/Subtype/Widget/Rect[50 500 200 520]/P 3 0 R>>',
      '<</Fields[7 0 R 8 0 R]/DA(/Helv 0 Tf 0 g)>>',
      stream('/Type/Metadata/Subtype/XML', XMP('Decision')),
      '<</Type/StructTreeRoot/K 12 0 R/ParentTree 13 0 R>>',
      '<</Type/StructElem/S/Document/P 11 0 R/K[<</Type/MCR/Pg 3 0 R/MCID 0>>]>>',
      '<</Nums[0[12 0 R]]>>',
      '<</Title(Decision)/Producer(Kyso test)>>',
      `<</Type/Sig/Filter/Adobe.PPKLite/Reference[${refs}]>>`,
      ...(opts.indirect === 'P' ? [String(opts.p)] : opts.indirect ? ['/DocMDP'] : []),
    ],
    '/Info 14 0 R',
  );
  return sign(pdf);
}

function judge(pdf: Uint8Array) {
  const [first] = findSignatures(pdf).filter((s) => s.byteRangeValid);
  const changes = describeChangesAfter(pdf, first.revisionLength);
  return { changes, ...classifyChanges(changes, permissionsAt(pdf, first.revisionLength)) };
}

const next = (pdf: Uint8Array) => Number(PdfDocument.open(pdf).trailer.get('Size'));

/** Each update, applied to a signed form; each returns the appended file. */
const updates: Record<string, (pdf: Uint8Array) => Uint8Array> = {
  'another signature': (pdf) => sign(pdf),
  'a document timestamp': (pdf) => {
    const stamped = Buffer.from(sign(pdf)).toString('latin1');
    const at = stamped.lastIndexOf('/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached');
    const dts = '/Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161'.padEnd(66, ' ');
    return new Uint8Array(Buffer.from(stamped.slice(0, at) + dts + stamped.slice(at + 66), 'latin1'));
  },
  'another signature without /Type (optional, ISO 32000-2 table 255)': (pdf) => {
    const signed = Buffer.from(sign(pdf)).toString('latin1');
    const at = signed.lastIndexOf('/Type /Sig /Filter');
    return new Uint8Array(Buffer.from(signed.slice(0, at) + ' '.repeat(10) + signed.slice(at + 10), 'latin1'));
  },
  'another signature with an indirect FieldMDP /TransformParams (as Acrobat writes it)': (pdf) => {
    // The params are a new object; the new signature dictionary refers to it (written over a /Reason of the same length).
    const n = next(pdf);
    const withParams = appendRaw(pdf, [{ num: n, body: '<</Type/TransformParams/Action/All/V/1.2>>' }]);
    const reference = `/Reference[<</TransformMethod/FieldMDP/TransformParams ${n} 0 R>>]`;
    const prepared = preparePdfSignature(withParams, { signingTime, reason: 'x'.repeat(reference.length) });
    const text = Buffer.from(prepared.pdf).toString('latin1');
    const at = text.lastIndexOf('/Reason');
    const end = text.indexOf(')', at) + 1;
    const patched = text.slice(0, at) + reference.padEnd(end - at, ' ') + text.slice(end);
    return embedSignature({ ...prepared, pdf: new Uint8Array(Buffer.from(patched, 'latin1')) }, dummyCms(900));
  },
  'a filled field made read-only (/Ff 1, as Acrobat does to the fields a signature locks)': (pdf) =>
    appendRaw(pdf, [{ num: 7, body: objectText(pdf, 7).replace('/T(amount)', '/T(amount)/Ff 1') }]),
  'a filled field turned into a password field (/Ff 8192: its value drawn masked)': (pdf) =>
    appendRaw(pdf, [{ num: 7, body: objectText(pdf, 7).replace('/T(amount)', '/T(amount)/Ff 8193') }]),
  'a /Version bump in the catalog': (pdf) =>
    appendRaw(pdf, [{ num: 1, body: objectText(pdf, 1).replace(/>>$/, '/Version/2.0>>') }]),
  'an XMP metadata update': (pdf) =>
    appendRaw(pdf, [{ num: 10, body: stream('/Type/Metadata/Subtype/XML', XMP('Edited')) }]),
  'an /Info update': (pdf) =>
    appendRaw(pdf, [{ num: 14, body: '<</Title(Decision)/ModDate(D:20261126)/Producer(Other)>>' }], { info: '14 0 R' }),
  'a structure tree update': (pdf) =>
    appendRaw(pdf, [
      { num: next(pdf), body: '<</Type/StructElem/S/Note/P 12 0 R/K[]>>' },
      { num: 12, body: `<</Type/StructElem/S/Document/P 11 0 R/K[<</Type/MCR/Pg 3 0 R/MCID 0>> ${next(pdf)} 0 R]>>` },
    ]),
  'a DSS addition': (pdf) =>
    appendRaw(pdf, [
      { num: next(pdf), body: stream('', '0\x03\x02\x01\x01') },
      { num: next(pdf) + 1, body: `<</Type/DSS/Certs[${next(pdf)} 0 R]/VRI<<>>>>` },
      { num: 1, body: objectText(pdf, 1).replace(/>>$/, `/DSS ${next(pdf) + 1} 0 R>>`) },
    ]),
  'a note (Text annotation, icon-sized)': (pdf) =>
    appendRaw(pdf, [
      { num: next(pdf), body: '<</Type/Annot/Subtype/Text/Rect[300 700 320 720]/Contents(Checked)/P 3 0 R>>' },
      { num: 3, body: objectText(pdf, 3).replace(/\/Annots\s*\[/, `/Annots[${next(pdf)} 0 R `) },
    ]),
  'a FreeText annotation over the page': (pdf) =>
    appendRaw(pdf, [
      {
        num: next(pdf),
        body: '<</Type/Annot/Subtype/FreeText/Rect[40 690 340 730]/Contents(Pay 999 VND)/DA(/F1 18 Tf)>>',
      },
      { num: 3, body: objectText(pdf, 3).replace(/\/Annots\s*\[/, `/Annots[${next(pdf)} 0 R `) },
    ]),
  'a form fill of the empty field': (pdf) =>
    appendRaw(pdf, [
      { num: next(pdf), body: stream('/Type/XObject/Subtype/Form/BBox[0 0 150 20]', 'BT (ok) Tj ET') },
      { num: 8, body: objectText(pdf, 8).replace('/T(remark)', `/T(remark)/V(ok)/AP<</N ${next(pdf)} 0 R>>`) },
    ]),
  // pyHanko exempts /DA, /Q and /NeedAppearances of the form from comparison; DSS counts only /DA,
  // /DR and /SigFlags as form filling, /Q and /NeedAppearances as undefined changes.
  'the form default appearance (/DA) changed': (pdf) =>
    appendRaw(pdf, [{ num: 9, body: objectText(pdf, 9).replace(/\/DA\s*\(\/Helv 0 Tf/, '/DA(/Helv 12 Tf') }]),
  'the form /NeedAppearances set (viewers redraw every field, signed ones too)': (pdf) =>
    appendRaw(pdf, [{ num: 9, body: objectText(pdf, 9).replace(/>>$/, '/NeedAppearances true>>') }]),
  'the form default quadding (/Q) changed': (pdf) =>
    appendRaw(pdf, [{ num: 9, body: objectText(pdf, 9).replace(/>>$/, '/Q 2>>') }]),
  'a signed field value replaced': (pdf) =>
    appendRaw(pdf, [{ num: 7, body: objectText(pdf, 7).replace('/V(100)', '/V(999)') }]),
  'a page content change': (pdf) =>
    appendRaw(pdf, [{ num: 4, body: stream('', 'BT /F1 18 Tf 50 700 Td (Pay 999 VND) Tj ET') }]),
  'a page added': (pdf) =>
    appendRaw(pdf, [
      { num: next(pdf), body: '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources 5 0 R>>' },
      { num: 2, body: `<</Type/Pages/Kids[3 0 R ${next(pdf)} 0 R]/Count 2>>` },
    ]),
  'the page removed': (pdf) =>
    appendRaw(pdf, [
      { num: next(pdf), body: '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>' },
      { num: 2, body: `<</Type/Pages/Kids[${next(pdf)} 0 R]/Count 1>>` },
    ]),
  'page resources changed under cover of /Info': (pdf) =>
    appendRaw(pdf, [{ num: 5, body: '<</Font<</F1 6 0 R>>/Title(x)>>' }], { info: '5 0 R' }),
  'a font changed under cover of the structure tree': (pdf) =>
    appendRaw(pdf, [
      { num: 6, body: '<</Type/Font/Subtype/Type1/BaseFont/Courier>>' },
      { num: 12, body: '<</Type/StructElem/S/Document/P 11 0 R/K[6 0 R]>>' },
    ]),
};

/** Expected verdict per update: without certification, then with DocMDP P=1, P=2, P=3. */
const expected: Record<string, [boolean, boolean, boolean, boolean]> = {
  'another signature': [true, false, true, true],
  'another signature without /Type (optional, ISO 32000-2 table 255)': [true, false, true, true],
  'a document timestamp': [true, true, true, true],
  'a /Version bump in the catalog': [true, true, true, true],
  'a filled field turned into a password field (/Ff 8192: its value drawn masked)': [false, false, false, false],
  'a filled field made read-only (/Ff 1, as Acrobat does to the fields a signature locks)': [true, false, true, true],
  'another signature with an indirect FieldMDP /TransformParams (as Acrobat writes it)': [true, false, true, true],
  'an XMP metadata update': [true, true, true, true],
  'an /Info update': [true, true, true, true],
  'a structure tree update': [true, true, true, true],
  'a DSS addition': [true, true, true, true],
  'a note (Text annotation, icon-sized)': [true, false, false, true],
  'a FreeText annotation over the page': [false, false, false, false],
  'a form fill of the empty field': [true, false, true, true],
  'the form default appearance (/DA) changed': [true, false, true, true],
  'the form /NeedAppearances set (viewers redraw every field, signed ones too)': [false, false, false, false],
  'the form default quadding (/Q) changed': [false, false, false, false],
  'a signed field value replaced': [false, false, false, false],
  'a page content change': [false, false, false, false],
  'a page added': [false, false, false, false],
  'the page removed': [false, false, false, false],
  'page resources changed under cover of /Info': [false, false, false, false],
  'a font changed under cover of the structure tree': [false, false, false, false],
};

describe('classifyChanges (as DSS and pyHanko judge changes after a signature)', () => {
  const bases = {
    none: signedForm(),
    p1: signedForm({ p: 1 }),
    p2: signedForm({ p: 2 }),
    p3: signedForm({ p: 3 }),
  };

  it('reads the certification level and field locks in force in the signed revision', () => {
    expect(permissionsAt(bases.none, findSignatures(bases.none).at(-1)!.revisionLength)).toEqual({
      docMdp: null,
      lockedFields: [],
    });
    const locked = signedForm({ p: 2, lock: '/Action/Include/Fields[(remark)]' });
    expect(permissionsAt(locked, findSignatures(locked).at(-1)!.revisionLength)).toEqual({
      docMdp: 2,
      lockedFields: [{ action: 'Include', fields: ['remark'] }],
    });
  });

  it.each(Object.keys(updates))('judges %s', (label) => {
    const [none, p1, p2, p3] = expected[label];
    const verdicts = [bases.none, bases.p1, bases.p2, bases.p3].map((base) => judge(updates[label](base)));
    expect(verdicts.map((v) => v.allowed)).toEqual([none, p1, p2, p3]);
    for (const v of verdicts) {
      // Every change is reported, allowed or not (and the update did change something).
      expect(v.changes.length).toBeGreaterThan(0);
      expect(v.description).toHaveLength(v.changes.length);
      expect(v.description.some((d) => d.startsWith('not allowed'))).toBe(!v.allowed);
    }
  });

  it.each(['P', 'TransformMethod'] as const)(
    'reads an indirect /%s of DocMDP (pyHanko resolves it too): P=1 is not loosened or dropped',
    (indirect) => {
      const certified = signedForm({ p: 1, indirect });
      expect(permissionsAt(certified, findSignatures(certified).at(-1)!.revisionLength).docMdp).toBe(1);
      expect(judge(updates['a form fill of the empty field'](certified)).allowed).toBe(false);
    },
  );

  it('says why a permitted kind of change is refused under certification', () => {
    const v = judge(updates['a note (Text annotation, icon-sized)'](bases.p2));
    expect(v.description.join('\n')).toContain('the certification (DocMDP P=2) permits no more than form filling');
  });

  it('refuses filling a field that a signature locked (FieldMDP)', () => {
    const fill = updates['a form fill of the empty field'];
    const include = judge(fill(signedForm({ lock: '/Action/Include/Fields[(remark)]' })));
    expect(include.allowed).toBe(false);
    expect(include.description.join('\n')).toContain('field "remark" is locked');
    expect(judge(fill(signedForm({ lock: '/Action/Exclude/Fields[(remark)]' }))).allowed).toBe(true);
    expect(judge(fill(signedForm({ lock: '/Action/All' }))).allowed).toBe(false);
    expect(judge(fill(signedForm({ lock: '/Action/Include/Fields[(amount)]' }))).allowed).toBe(true);
  });

  it('reports the roles it judged by', () => {
    const roles = (label: string) => judge(updates[label](bases.none)).changes.map((c) => c.role);
    expect(roles('an XMP metadata update')).toEqual(['metadata']);
    expect(roles('a structure tree update')).toEqual(['structure-tree', 'structure-tree']);
    expect(roles('page resources changed under cover of /Info')).toEqual(['page-content']);
    expect(roles('a form fill of the empty field')).toEqual(['form-field', 'field-appearance']);
  });

  describe('an empty signature field prepared before the first signature, signed later', () => {
    /** 1 catalog, 2 pages, 3 page, 4 AcroForm, 5 field "approval" (its widget is a kid), 6 widget, 7 its blank appearance. */
    const base = () =>
      sign(
        buildPdf([
          '<</Type/Catalog/Pages 2 0 R/AcroForm 4 0 R>>',
          '<</Type/Pages/Kids[3 0 R]/Count 1>>',
          '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots[6 0 R]>>',
          '<</Fields[5 0 R]>>',
          '<</FT/Sig/T(approval)/Kids[6 0 R]>>',
          '<</Type/Annot/Subtype/Widget/Parent 5 0 R/Rect[50 50 250 100]/P 3 0 R/AP<</N 7 0 R>>>>',
          stream('/Type/XObject/Subtype/Form/BBox[0 0 200 50]', ''),
        ]),
      );
    const signField = (pdf: Uint8Array, withValue: boolean) => {
      const n = next(pdf);
      return appendRaw(pdf, [
        {
          num: n,
          body: `<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/adbe.pkcs7.detached/ByteRange[0 0 0 0]/Contents<00>>>`,
        },
        { num: n + 1, body: stream('/Type/XObject/Subtype/Form/BBox[0 0 200 50]', 'BT (Approved) Tj ET') },
        { num: 5, body: withValue ? `<</FT/Sig/T(approval)/Kids[6 0 R]/V ${n} 0 R>>` : objectText(pdf, 5) },
        { num: 6, body: objectText(pdf, 6).replace('/N 7 0 R', `/N ${n + 1} 0 R`) },
      ]);
    };

    it("allows the widget's new appearance when its field is signed", () => {
      const v = judge(signField(base(), true));
      expect(v.description.join('\n')).toMatch(/allowed: signature field 6 0 \(Annot\) changed/);
      expect(v.allowed).toBe(true);
    });

    it("refuses a new appearance of an unsigned signature field's widget", () => {
      expect(judge(signField(base(), false)).allowed).toBe(false);
    });
  });
});
