import { PdfDocument } from '../../pdf/document';
import { PdfDict } from '../../pdf/objects';
import { pageChars } from './content-text';
import { Box } from './page-box';

/**
 * Where a text is shown on a page: the box around the first occurrence, comparing without
 * whitespace (producers split and space words their own way) after NFC normalisation.
 */
export function findTextOnPage(doc: PdfDocument, page: PdfDict, text: string): Box | null {
  const wanted = [...text.normalize('NFC').replace(/\s+/g, '')];
  if (wanted.length === 0) return null;
  const chars = pageChars(doc, page).flatMap((c) =>
    [...c.text.normalize('NFC')]
      .filter((ch) => !/\s/.test(ch))
      .map((ch, i, all) => ({
        ...c,
        text: ch,
        // A code standing for several characters (a ligature) shares its width among them.
        x: c.x + (c.width * i) / all.length,
        width: c.width / all.length,
      })),
  );
  outer: for (let i = 0; i + wanted.length <= chars.length; i++) {
    for (let k = 0; k < wanted.length; k++) if (chars[i + k].text !== wanted[k]) continue outer;
    const hit = chars.slice(i, i + wanted.length);
    const x1 = Math.min(...hit.map((c) => c.x));
    const x2 = Math.max(...hit.map((c) => c.x + c.width));
    const y1 = Math.min(...hit.map((c) => c.y - c.size * 0.22));
    const y2 = Math.max(...hit.map((c) => c.y + c.size * 0.78));
    return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
  }
  return null;
}

/**
 * The text the first page shows, in content-stream order and NFC, or '' when the file cannot be read
 * as a PDF. For comparing what a document says (its number, symbol and date) with what is claimed
 * about it; the same reader finds the anchors of visible signatures.
 */
export function firstPageText(pdf: Uint8Array): string {
  try {
    const doc = PdfDocument.open(pdf);
    const page = doc.pages()[0];
    if (!page) return '';
    return pageChars(doc, page.dict)
      .map((c) => c.text)
      .join('')
      .normalize('NFC');
  } catch {
    return '';
  }
}
