import { buildPdf } from '../../../test-fixtures/pdf/make-pdfs';
import { PdfDocument } from '../../pdf/document';
import { findTextOnPage } from './anchor';
import { parseToUnicode } from './font-decoder';

/** A page whose content is `content`, fonts F1 (simple, widths 500) and F2 (Type0 with a ToUnicode map). */
function page(content: string): { doc: PdfDocument; page: ReturnType<PdfDocument['pages']>[number] } {
  const cmap =
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <ffff> endcodespacerange\n' +
    '2 beginbfchar <0001> <1ee6> <0002> <0079> endbfchar\n1 beginbfrange <0010> <0012> <0041> endbfrange\nendcmap end end';
  const doc = PdfDocument.open(
    buildPdf([
      '<</Type/Catalog/Pages 2 0 R>>',
      '<</Type/Pages/Kids[3 0 R]/Count 1/MediaBox[0 0 595 842]>>',
      '<</Type/Page/Parent 2 0 R/Resources<</Font<</F1 5 0 R/F2 6 0 R>>>>/Contents 4 0 R>>',
      `<</Length ${content.length}>>\nstream\n${content}\nendstream`,
      '<</Type/Font/Subtype/Type1/BaseFont/Times-Roman/FirstChar 32/LastChar 126/Widths[' +
        Array(95).fill(500).join(' ') +
        ']>>',
      '<</Type/Font/Subtype/Type0/BaseFont/X/Encoding/Identity-H/DescendantFonts[7 0 R]/ToUnicode 8 0 R>>',
      '<</Type/Font/Subtype/CIDFontType2/BaseFont/X/DW 600/W[1[700 400]]>>',
      `<</Length ${cmap.length}>>\nstream\n${cmap}\nendstream`,
    ]),
  );
  return { doc, page: doc.pages()[0] };
}

describe('findTextOnPage', () => {
  it('finds text shown by Tj after Td, with the width from /Widths', () => {
    const { doc, page: p } = page('BT /F1 10 Tf 100 200 Td (Ky ten:) Tj ET');
    const box = findTextOnPage(doc, p.dict, 'ten:')!;
    expect(box.x).toBeCloseTo(115, 3); // "Ky " is 3 x 5 points
    expect(box.width).toBeCloseTo(20, 3);
    expect(box.y).toBeCloseTo(200 - 2.2, 3);
    expect(box.height).toBeCloseTo(10, 3);
  });

  it('follows TJ kerning, Tm, cm and q/Q', () => {
    const { doc, page: p } = page(
      'q 2 0 0 2 10 10 cm BT /F1 10 Tf 1 0 0 1 50 60 Tm [(A) -1000 (B)] TJ ET Q BT /F1 10 Tf 0 0 Td (C) Tj ET',
    );
    const ab = findTextOnPage(doc, p.dict, 'AB')!;
    // x = 2 * 50 + 10; "A" 5, the kerning 10, "B" 5 units, all doubled.
    expect(ab.x).toBeCloseTo(110, 3);
    expect(ab.width).toBeCloseTo(40, 3);
    expect(findTextOnPage(doc, p.dict, 'C')!.x).toBeCloseTo(0, 3);
  });

  it('reads Type0 text through ToUnicode (bfchar and bfrange), ignoring whitespace', () => {
    const { doc, page: p } = page("BT /F2 12 Tf 300 400 Td <000100020010> Tj T* <00110012> ' ET");
    expect(findTextOnPage(doc, p.dict, 'Ủy A BC')).not.toBeNull();
    const box = findTextOnPage(doc, p.dict, 'Ủy')!;
    expect(box.x).toBeCloseTo(300, 3);
    expect(box.width).toBeCloseTo(12 * 1.1, 3);
    expect(findTextOnPage(doc, p.dict, 'Uy')).toBeNull();
  });

  it('parses ToUnicode ranges with array destinations', () => {
    const map = parseToUnicode(Buffer.from('beginbfrange <0005> <0006> [<0041> <00420043>] endbfrange'));
    expect([map.get(5), map.get(6)]).toEqual(['A', 'BC']);
  });
});
