import { PdfDocument } from '../../pdf/document';
import { isRegular, readRegular, skipWhitespace } from '../../pdf/lexer';
import { PdfDict, PdfObject, PdfStream, PdfString } from '../../pdf/objects';
import { parseValueAt } from '../../pdf/parser';
import { FontDecoder, fontDecoder } from './font-decoder';

/** One shown character in page space: where it starts, its advance and the font size there. */
export interface PlacedChar {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
const mul = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
/** Operators a page may run before giving up: hostile content must not take the signer's time. */
const MAX_OPERATORS = 200_000;

/**
 * The characters a page's content streams show, in page space (ISO 32000-1, 9.4): text state,
 * text and graphics matrices, Tj/TJ/'/". Text inside form XObjects is not read: the anchors of
 * e-office templates are in the page content.
 */
export function pageChars(doc: PdfDocument, page: PdfDict): PlacedChar[] {
  const data = contentBytes(doc, page);
  const fonts = doc.resolveDict(resourcesOf(doc, page)?.get('Font'));
  const decoders = new Map<string, FontDecoder>();
  const out: PlacedChar[] = [];
  let ctm: Matrix = IDENTITY;
  const stack: Matrix[] = [];
  let tm: Matrix = IDENTITY;
  let tlm: Matrix = IDENTITY;
  let font: FontDecoder | undefined;
  let size = 0;
  let [tc, tw, tz, tl, rise] = [0, 0, 1, 0, 0];
  const operands: PdfObject[] = [];
  const num = (i: number) => (typeof operands[i] === 'number' ? (operands[i] as number) : 0);
  const nextLine = (tx: number, ty: number) => {
    tlm = mul([1, 0, 0, 1, tx, ty], tlm);
    tm = tlm;
  };
  const show = (s: PdfString) => {
    if (!font) return;
    for (const { text, width, space } of font.decode(s.bytes)) {
      const trm = mul([size * tz, 0, 0, size, 0, rise], mul(tm, ctm));
      const advance = (width * size + tc + (space ? tw : 0)) * tz;
      const scale = Math.hypot(trm[2], trm[3]);
      const end = mul([1, 0, 0, 1, advance, 0], mul(tm, ctm));
      out.push({ text, x: trm[4], y: trm[5], width: Math.hypot(end[4] - trm[4], end[5] - trm[5]), size: scale });
      tm = mul([1, 0, 0, 1, advance, 0], tm);
    }
  };

  let ops = 0;
  let pos = 0;
  while ((pos = skipComments(data, pos)) < data.length) {
    const c = data[pos];
    if (isRegular(c) && !/[0-9+\-.]/.test(String.fromCharCode(c))) {
      const { text: op, end } = readRegular(data, pos);
      pos = end;
      if (++ops > MAX_OPERATORS) break;
      switch (op) {
        case 'q':
          if (stack.length < 64) stack.push(ctm);
          break;
        case 'Q':
          ctm = stack.pop() ?? ctm;
          break;
        case 'cm':
          ctm = mul([num(0), num(1), num(2), num(3), num(4), num(5)], ctm);
          break;
        case 'BT':
          tm = tlm = IDENTITY;
          break;
        case 'Tf': {
          const name = operands[0];
          size = num(1);
          const key = name && typeof name === 'object' && 'value' in name ? String(name.value) : '';
          if (!decoders.has(key)) decoders.set(key, fontDecoder(doc, doc.resolveDict(fonts?.get(key))));
          font = decoders.get(key);
          break;
        }
        case 'Tc':
          tc = num(0);
          break;
        case 'Tw':
          tw = num(0);
          break;
        case 'Tz':
          tz = num(0) / 100;
          break;
        case 'TL':
          tl = num(0);
          break;
        case 'Ts':
          rise = num(0);
          break;
        case 'Td':
          nextLine(num(0), num(1));
          break;
        case 'TD':
          tl = -num(1);
          nextLine(num(0), num(1));
          break;
        case 'Tm':
          tm = tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
          break;
        case 'T*':
          nextLine(0, -tl);
          break;
        case 'Tj':
          if (operands[0] instanceof PdfString) show(operands[0]);
          break;
        case "'":
          nextLine(0, -tl);
          if (operands[0] instanceof PdfString) show(operands[0]);
          break;
        case '"':
          [tw, tc] = [num(0), num(1)];
          nextLine(0, -tl);
          if (operands[2] instanceof PdfString) show(operands[2]);
          break;
        case 'TJ':
          for (const item of Array.isArray(operands[0]) ? operands[0] : []) {
            if (item instanceof PdfString) show(item);
            else if (typeof item === 'number') tm = mul([1, 0, 0, 1, (-item / 1000) * size * tz, 0], tm);
          }
          break;
        case 'BI':
          pos = skipInlineImage(data, pos);
          break;
      }
      operands.length = 0;
      continue;
    }
    if (/[0-9+\-.]/.test(String.fromCharCode(c))) {
      const { text, end } = readRegular(data, pos);
      operands.push(Number.parseFloat(text) || 0);
      pos = end;
      continue;
    }
    try {
      const { value, end } = parseValueAt(data, pos);
      operands.push(value);
      pos = end;
    } catch {
      break; // content we cannot read past: what was shown so far stands
    }
    if (operands.length > 64) operands.splice(0, operands.length - 64);
  }
  return out;
}

function skipComments(data: Uint8Array, pos: number): number {
  for (;;) {
    pos = skipWhitespace(data, pos);
    if (data[pos] !== 0x25) return pos;
    while (pos < data.length && data[pos] !== 0x0a && data[pos] !== 0x0d) pos++;
  }
}

/** From after BI to after EI: "EI" between whitespace ends the inline image data. */
function skipInlineImage(data: Uint8Array, pos: number): number {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = buf.indexOf('ID', pos, 'latin1');
  while (at >= 0) {
    at = buf.indexOf('EI', at + 2, 'latin1');
    if (at < 0) break;
    const before = buf[at - 1];
    const after = buf[at + 2];
    if ((before === 0x20 || before === 0x0a || before === 0x0d) && (after === undefined || !isRegular(after)))
      return at + 2;
  }
  return data.length;
}

function resourcesOf(doc: PdfDocument, page: PdfDict): PdfDict | null {
  let d: PdfDict | null = page;
  for (let i = 0; d && i < 64; i++) {
    const r = doc.resolveDict(d.get('Resources'));
    if (r) return r;
    d = doc.resolveDict(d.get('Parent'));
  }
  return null;
}

function contentBytes(doc: PdfDocument, page: PdfDict): Uint8Array {
  const c = doc.resolve(page.get('Contents'));
  const streams = (Array.isArray(c) ? c.map((x) => doc.resolve(x)) : [c]).filter(
    (s): s is PdfStream => s instanceof PdfStream,
  );
  // Streams are joined with a space: an operator may not span two of them.
  const parts: Buffer[] = [];
  for (const s of streams) parts.push(Buffer.from(doc.decode(s)), Buffer.from(' '));
  return Buffer.concat(parts);
}
