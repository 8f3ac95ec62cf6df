import { PdfDocument } from '../../pdf/document';
import { PdfDict } from '../../pdf/objects';
import { PDF_LIMITS } from '../../pdf/errors';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The page's visible area: /CropBox, else /MediaBox, inherited through /Parent (ISO 32000-1, 7.7.3.4). */
export function pageBox(doc: PdfDocument, page: PdfDict): Box {
  for (const key of ['CropBox', 'MediaBox']) {
    let d: PdfDict | null = page;
    for (let i = 0; d && i < PDF_LIMITS.maxTreeDepth; i++) {
      const v = doc.resolve(d.get(key));
      if (Array.isArray(v) && v.length === 4 && v.every((x) => typeof doc.resolve(x) === 'number')) {
        const [a, b, c, e] = v.map((x) => doc.resolve(x) as number);
        return { x: Math.min(a, c), y: Math.min(b, e), width: Math.abs(c - a), height: Math.abs(e - b) };
      }
      d = doc.resolveDict(d.get('Parent'));
    }
  }
  return { x: 0, y: 0, width: 595.28, height: 841.89 }; // A4, what Decree 30 prescribes
}
