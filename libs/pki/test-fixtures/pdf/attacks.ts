import { findSignatures, PdfDocument } from '../../src/pdf';
import { children, der, readTlv, seq, tlvBytes, octetString, TAG } from '../../src/asn1';
import { buildPdf } from './make-pdfs';

/**
 * Builders of the published PDF signature attacks (Mladenov et al. 2019, "Shadow Attacks" 2021):
 * raw byte surgery, so that nothing in Kyso's writer tidies the attack up.
 */

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const stream = (dict: string, data: string) => `<<${dict}/Length ${data.length}>>\nstream\n${data}\nendstream`;

export const BENIGN_TEXT = 'Pay 100 VND';
export const EVIL_TEXT = 'Pay 999999 VND';
const draw = (text: string) => `BT /F1 18 Tf 50 700 Td (${text}) Tj ET`;

/**
 * A one-page decision with a text field, an indirect /Contents array and, unused, the material
 * of shadow attacks: an evil XObject, an evil content stream, a second page tree and catalog, an overlay.
 *  1 catalog, 2 pages, 3 page, 4 content, 5 resources, 6 font, 7 benign XObject, 8 evil XObject,
 *  9 evil content, 10 shadow pages, 11 shadow page, 12 shadow catalog, 13 FreeText overlay,
 *  14 text field (widget), 15 /Contents array of page 3, 16 AcroForm.
 */
export function shadowPreparedPdf(): Uint8Array {
  return buildPdf(
    [
      '<</Type/Catalog/Pages 2 0 R/AcroForm 16 0 R>>',
      '<</Type/Pages/Kids[3 0 R]/Count 1>>',
      '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 15 0 R/Resources 5 0 R/Annots[14 0 R]>>',
      stream('', `${draw(BENIGN_TEXT)} /X1 Do`),
      '<</Font<</F1 6 0 R>>/XObject<</X1 7 0 R>>>>',
      '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
      stream('/Type/XObject/Subtype/Form/BBox[0 0 595 842]', ''),
      stream(
        '/Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources 5 0 R',
        `1 1 1 rg 40 690 300 40 re f 0 g ${draw(EVIL_TEXT)}`,
      ),
      stream('', draw(EVIL_TEXT)),
      '<</Type/Pages/Kids[11 0 R]/Count 1>>',
      '<</Type/Page/Parent 10 0 R/MediaBox[0 0 595 842]/Contents 9 0 R/Resources 5 0 R>>',
      '<</Type/Catalog/Pages 10 0 R/AcroForm 16 0 R>>',
      `<</Type/Annot/Subtype/FreeText/Rect[40 690 340 730]/Contents(${EVIL_TEXT})/DA(/F1 18 Tf 0 g)/P 3 0 R>>`,
      '<</FT/Tx/T(amount)/V(100)/Type/Annot/Subtype/Widget/Rect[50 600 200 620]/P 3 0 R>>',
      '[4 0 R]',
      '<</Fields[14 0 R]>>',
    ],
    '',
  );
}

export interface RawObject {
  num: number;
  body: string;
}

/**
 * Appends objects as a hand-written revision. By default a classic xref section with /Prev and
 * the same /Root; `root`, `info`, `prev` (null: none) override the trailer; `xref: false` writes
 * only the objects and %%EOF (the "no xref" variant), `startxref` an explicit value.
 */
export function appendRaw(
  pdf: Uint8Array,
  objects: RawObject[],
  opts: {
    root?: string;
    info?: string;
    prev?: number | null;
    xref?: boolean;
    startxref?: number;
    freed?: number[];
  } = {},
): Uint8Array {
  const doc = PdfDocument.open(pdf);
  let text = latin1(pdf).endsWith('\n') ? '' : '\n';
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, pdf.length + text.length);
    text += `${o.num} 0 obj\n${o.body}\nendobj\n`;
  }
  if (opts.xref === false) return bytes(latin1(pdf) + text + '%%EOF\n');
  const xrefAt = pdf.length + text.length;
  const nums = [...offsets.keys(), ...(opts.freed ?? [])].sort((a, b) => a - b);
  text += 'xref\n';
  for (const n of nums)
    text += `${n} 1\n${offsets.has(n) ? `${String(offsets.get(n)).padStart(10, '0')} 00000 n` : '0000000000 00001 f'}\r\n`;
  const size = Math.max(Number(doc.trailer.get('Size') ?? 0), ...nums.map((n) => n + 1));
  const root = opts.root ?? `${doc.catalog().ref.num} 0 R`;
  const prev = opts.prev === undefined ? doc.chain.startxref : opts.prev;
  text += `trailer\n<</Size ${size}/Root ${root}${opts.info ? `/Info ${opts.info}` : ''}${prev === null ? '' : `/Prev ${prev}`}>>\n`;
  text += `startxref\n${opts.startxref ?? xrefAt}\n%%EOF\n`;
  return bytes(latin1(pdf) + text);
}

/** The body of object `num` as the newest revision has it, serialized by a regex on the raw bytes (test PDFs only). */
export function objectText(pdf: Uint8Array, num: number): string {
  const doc = PdfDocument.open(pdf);
  const e = doc.entries.get(num);
  if (!e || e.type !== 'offset') throw new Error(`object ${num} is not at an offset`);
  const s = latin1(pdf);
  const start = s.indexOf('obj', e.offset) + 3;
  return s.slice(start, s.indexOf('endobj', start)).trim();
}

/** Replaces `from` (first match after `after`) with `to`, space-padded to the same length: offsets stay. */
export function patchInPlace(pdf: Uint8Array, from: RegExp, to: (match: string) => string, after = 0): Uint8Array {
  const s = latin1(pdf);
  const re = new RegExp(from.source, 'g');
  re.lastIndex = after;
  const m = re.exec(s);
  if (!m) throw new Error(`${from} not found`);
  const replacement = to(m[0]);
  if (replacement.length > m[0].length) throw new Error('the patch must not be longer than the original');
  return bytes(s.slice(0, m.index) + replacement.padEnd(m[0].length, ' ') + s.slice(m.index + m[0].length));
}

/** Where the newest signature dictionary starts (its /ByteRange and /Contents follow). */
export function lastSignatureDictAt(pdf: Uint8Array): number {
  return latin1(pdf).lastIndexOf('/Type /Sig');
}

/** Writes another CMS into the /Contents placeholder of the last signature, zero-padded, in place. */
export function replaceCms(pdf: Uint8Array, cms: Uint8Array): Uint8Array {
  const br = findSignatures(pdf).at(-1)!.byteRange;
  const room = br[2] - br[1] - 2;
  const hex = Buffer.from(cms).toString('hex');
  if (hex.length > room) throw new Error('CMS too large for the placeholder');
  const out = new Uint8Array(pdf);
  out.set(bytes(hex.padEnd(room, '0')), br[1] + 1);
  return out;
}

/** Rebuilds a ContentInfo(SignedData) with its SignedData's children changed by `edit`. */
export function editSignedData(cms: Uint8Array, edit: (parts: Uint8Array[]) => Uint8Array[]): Uint8Array {
  const ci = readTlv(cms);
  const [type, explicit] = children(cms, ci);
  const sd = children(cms, explicit)[0];
  const parts = children(cms, sd).map((t) => tlvBytes(cms, t));
  return seq(tlvBytes(cms, type), der(TAG.context(0), seq(...edit(parts))));
}

/** The SignerInfos SET with its first SignerInfo twice (the second one is not DER-sorted; readers do not care). */
export function duplicateSignerInfo(parts: Uint8Array[]): Uint8Array[] {
  const set = parts[parts.length - 1];
  const si = tlvBytes(set, children(set, readTlv(set))[0]);
  return [...parts.slice(0, -1), der(TAG.SET, si, si)];
}

/** The encapContentInfo with embedded content (not detached). */
export function embedContent(content: string) {
  return (parts: Uint8Array[]): Uint8Array[] => {
    const eci = parts[2];
    const eType = tlvBytes(eci, children(eci, readTlv(eci))[0]);
    return [parts[0], parts[1], seq(eType, der(TAG.context(0), octetString(bytes(content)))), ...parts.slice(3)];
  };
}
