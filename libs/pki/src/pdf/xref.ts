import { decodeStream } from './filters';
import { malformed, PDF_LIMITS, PdfFormatError } from './errors';
import { asBuffer, isRegular, keywordAt, readUInt, skipWhitespace } from './lexer';
import { PdfDict, PdfObject, PdfStream } from './objects';
import { PdfParser } from './parser';

export type XrefEntry =
  | { type: 'free' }
  | { type: 'offset'; offset: number; gen: number }
  | { type: 'compressed'; stream: number; index: number };

/** One cross-reference section (one revision, with its /XRefStm merged for hybrid files). */
export interface XrefSection {
  /** File offset of the `xref` keyword or of the xref stream object. */
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
}

export interface XrefChain {
  /** Newest first, as found by following /Prev from startxref. */
  sections: XrefSection[];
  /** The value written after the last startxref (in the file's own coordinates). */
  startxref: number;
  /** Offset of %PDF- when there is junk before it and the xref offsets count from the header. */
  shift: number;
}

const FREE: XrefEntry = { type: 'free' };

/** Finds the header and startxref, then reads every cross-reference section through /Prev. */
export function readXrefChain(buf: Uint8Array, headerPos: number): XrefChain {
  const b = asBuffer(buf);
  const tailStart = Math.max(0, buf.length - PDF_LIMITS.trailerWindow);
  if (b.lastIndexOf('%%EOF', buf.length, 'latin1') < tailStart) {
    throw new PdfFormatError('TRUNCATED_PDF', 'no %%EOF marker at the end of the file');
  }
  const sx = b.lastIndexOf('startxref', buf.length, 'latin1');
  const sxValue = sx >= tailStart ? readUInt(buf, sx + 9) : null;
  if (!sxValue) throw new PdfFormatError('TRUNCATED_PDF', 'no readable startxref at the end of the file');
  const startxref = sxValue.value;
  if (startxref >= buf.length)
    throw new PdfFormatError('TRUNCATED_PDF', `startxref ${startxref} is beyond the end of the file`);

  let shift = 0;
  if (!looksLikeXref(buf, startxref) && headerPos > 0 && looksLikeXref(buf, startxref + headerPos)) shift = headerPos;

  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let next: number | null = startxref + shift;
  while (next !== null) {
    if (seen.has(next)) throw malformed(`cross-reference /Prev loop at offset ${next}`);
    if (sections.length >= PDF_LIMITS.maxXrefSections) throw malformed('too many cross-reference sections');
    if (next < 0 || next >= buf.length) throw malformed(`cross-reference offset ${next} is outside the file`);
    seen.add(next);
    const section = readSection(buf, next, shift);
    sections.push(section);
    const prev = section.trailer.get('Prev');
    next = typeof prev === 'number' && Number.isInteger(prev) ? prev + shift : null;
  }
  return { sections, startxref, shift };
}

function looksLikeXref(buf: Uint8Array, pos: number): boolean {
  if (pos < 0 || pos >= buf.length) return false;
  const p = skipWhitespace(buf, pos);
  if (keywordAt(buf, p, 'xref')) return true;
  const a = readUInt(buf, p);
  const g = a && readUInt(buf, a.end);
  return !!g && keywordAt(buf, skipWhitespace(buf, g.end), 'obj');
}

function readSection(buf: Uint8Array, offset: number, shift: number): XrefSection {
  const p = skipWhitespace(buf, offset);
  if (keywordAt(buf, p, 'xref')) {
    const section = readTable(buf, offset, p + 4, shift);
    const stm = section.trailer.get('XRefStm');
    if (typeof stm === 'number' && Number.isInteger(stm)) {
      // Hybrid file: the table wins; the stream adds the objects a 1.4 reader must not see.
      const hidden = readXrefStream(buf, stm + shift, shift);
      for (const [num, e] of hidden.entries) {
        const own = section.entries.get(num);
        if (!own || own.type === 'free') section.entries.set(num, e);
      }
    }
    return section;
  }
  return readXrefStream(buf, offset, shift);
}

function readTable(buf: Uint8Array, offset: number, pos: number, shift: number): XrefSection {
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    pos = skipWhitespace(buf, pos);
    if (keywordAt(buf, pos, 'trailer')) break;
    const first = readUInt(buf, pos);
    const count = first && readUInt(buf, first.end);
    if (!first || !count) throw malformed(`bad cross-reference subsection at offset ${pos}`);
    if (first.value + count.value > PDF_LIMITS.maxObjectNumber + 1)
      throw malformed('cross-reference subsection too large');
    if (count.value * 18 > buf.length - count.end)
      throw malformed(`cross-reference subsection at offset ${pos} runs past the end`);
    pos = count.end;
    for (let i = 0; i < count.value; i++) {
      const num = first.value + i;
      // The usual 20-byte entry `oooooooooo ggggg n`, read in place; any other layout below.
      const q = skipWhitespace(buf, pos);
      const fixed = fixedEntry(buf, q);
      if (fixed >= 0) {
        const k = buf[q + 17];
        pos = q + 18;
        const offset = Math.floor(fixed / 100000);
        entries.set(
          num,
          k === 0x6e && offset > 0 && num > 0 ? { type: 'offset', offset: offset + shift, gen: fixed % 100000 } : FREE,
        );
        continue;
      }
      const off = readUInt(buf, pos);
      const gen = off && readUInt(buf, off.end);
      const kp = gen ? skipWhitespace(buf, gen.end) : -1;
      const k = buf[kp];
      if (!off || !gen || (k !== 0x6e && k !== 0x66)) throw malformed(`bad cross-reference entry at offset ${pos}`);
      pos = kp + 1;
      entries.set(
        num,
        k === 0x6e && off.value > 0 && num > 0 ? { type: 'offset', offset: off.value + shift, gen: gen.value } : FREE,
      );
    }
  }
  const parser = new PdfParser(buf, pos + 7);
  const trailer = parser.parseValue(0);
  if (!(trailer instanceof PdfDict)) throw malformed(`trailer at offset ${pos} is not a dictionary`);
  return { offset, kind: 'table', trailer, entries };
}

/**
 * offset * 100000 + generation of an entry laid out exactly as `oooooooooo ggggg n` (or f) at p,
 * the keyword followed by a non-regular byte; -1 for any other layout.
 */
function fixedEntry(buf: Uint8Array, p: number): number {
  if (p + 18 > buf.length || buf[p + 10] !== 0x20 || buf[p + 16] !== 0x20) return -1;
  const k = buf[p + 17];
  if ((k !== 0x6e && k !== 0x66) || (p + 18 < buf.length && isRegular(buf[p + 18]))) return -1;
  let v = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 10) continue;
    const d = buf[p + i] - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function readXrefStream(buf: Uint8Array, offset: number, shift: number): XrefSection {
  if (offset < 0 || offset >= buf.length)
    throw malformed(`cross-reference stream offset ${offset} is outside the file`);
  const { value } = new PdfParser(buf, offset).parseIndirectObject();
  if (!(value instanceof PdfStream) || value.dict.name('Type') !== 'XRef') {
    throw malformed(`no cross-reference table or stream at offset ${offset}`);
  }
  const dict = value.dict;
  const data = decodeStream(value);
  const w = ints(dict.get('W'));
  if (w.length !== 3 || w.some((x) => x < 0 || x > 8)) throw malformed('bad /W in a cross-reference stream');
  const size = dict.get('Size');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > PDF_LIMITS.maxObjectNumber + 1) {
    throw malformed('bad /Size in a cross-reference stream');
  }
  const index = dict.has('Index') ? ints(dict.get('Index')) : [0, size];
  if (index.length % 2 !== 0) throw malformed('bad /Index in a cross-reference stream');
  const rowLen = w[0] + w[1] + w[2];
  const entries = new Map<number, XrefEntry>();
  let p = 0;
  for (let s = 0; s < index.length; s += 2) {
    const [first, count] = [index[s], index[s + 1]];
    if (first < 0 || count < 0 || first + count > PDF_LIMITS.maxObjectNumber + 1)
      throw malformed('bad /Index in a cross-reference stream');
    if (p + count * rowLen > data.length) throw malformed('cross-reference stream data is shorter than its /Index');
    for (let i = 0; i < count; i++, p += rowLen) {
      const type = w[0] === 0 ? 1 : field(data, p, w[0]);
      const f2 = field(data, p + w[0], w[1]);
      const f3 = field(data, p + w[0] + w[1], w[2]);
      const num = first + i;
      if (type === 1 && num > 0) entries.set(num, { type: 'offset', offset: f2 + shift, gen: f3 });
      else if (type === 2 && num > 0) entries.set(num, { type: 'compressed', stream: f2, index: f3 });
      else if (type === 0 || num === 0) entries.set(num, FREE);
      // Other types are reserved: such objects read as null (no entry).
    }
  }
  return { offset, kind: 'stream', trailer: dict, entries };
}

function field(data: Uint8Array, p: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + data[p + i];
  return v;
}

function ints(o: PdfObject | undefined): number[] {
  if (!Array.isArray(o) || !o.every((x) => typeof x === 'number' && Number.isInteger(x))) return [];
  return o as number[];
}

/** The object table seen by a reader of the newest revision: newer sections shadow older ones. */
export function mergeSections(sections: readonly XrefSection[]): Map<number, XrefEntry> {
  const merged = new Map<number, XrefEntry>();
  for (const s of sections) for (const [num, e] of s.entries) if (!merged.has(num)) merged.set(num, e);
  return merged;
}
