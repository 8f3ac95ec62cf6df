import { PdfDocument } from '../../pdf/document';
import { PdfDict, PdfStream } from '../../pdf/objects';

export interface DecodedGlyph {
  text: string;
  /** Advance in text space units (glyph width / 1000). */
  width: number;
  /** A single-byte code 32: word spacing applies. */
  space: boolean;
}

export interface FontDecoder {
  decode(bytes: Uint8Array): DecodedGlyph[];
}

/** A width where the font gives none: about an average Latin letter. */
const FALLBACK_WIDTH = 500;
const MAX_CMAP_ENTRIES = 65_536;

/**
 * Codes to text and widths for finding text (ISO 32000-1, 9.10): the /ToUnicode CMap when there
 * is one, else the byte as Latin-1 (WinAnsi for letters); Type0 fonts read 2-byte codes.
 */
export function fontDecoder(doc: PdfDocument, font: PdfDict | null): FontDecoder {
  const type0 = font?.name('Subtype') === 'Type0';
  const toUnicode = font && doc.resolve(font.get('ToUnicode'));
  const map = toUnicode instanceof PdfStream ? parseToUnicode(doc.decode(toUnicode)) : new Map<number, string>();
  const width = type0 ? cidWidths(doc, font!) : simpleWidths(doc, font);
  return {
    decode(bytes) {
      const out: DecodedGlyph[] = [];
      const step = type0 ? 2 : 1;
      for (let i = 0; i + step <= bytes.length; i += step) {
        const code = type0 ? (bytes[i] << 8) | bytes[i + 1] : bytes[i];
        const text = map.get(code) ?? (type0 ? '' : String.fromCharCode(code));
        out.push({ text, width: width(code) / 1000, space: !type0 && code === 32 });
      }
      return out;
    },
  };
}

function simpleWidths(doc: PdfDocument, font: PdfDict | null): (code: number) => number {
  const first = font && doc.resolve(font.get('FirstChar'));
  const widths = font && doc.resolve(font.get('Widths'));
  if (typeof first !== 'number' || !Array.isArray(widths)) return () => FALLBACK_WIDTH;
  return (code) => {
    const w = doc.resolve(widths[code - first]);
    return typeof w === 'number' ? w : FALLBACK_WIDTH;
  };
}

function cidWidths(doc: PdfDocument, font: PdfDict): (code: number) => number {
  const descendants = doc.resolve(font.get('DescendantFonts'));
  const cid = Array.isArray(descendants) ? doc.resolveDict(descendants[0]) : null;
  const dw = cid && doc.resolve(cid.get('DW'));
  const fallback = typeof dw === 'number' ? dw : 1000;
  const widths = new Map<number, number>();
  const w = cid && doc.resolve(cid.get('W'));
  if (Array.isArray(w)) {
    for (let i = 0; i < w.length && widths.size < MAX_CMAP_ENTRIES;) {
      const start = doc.resolve(w[i]);
      const next = doc.resolve(w[i + 1]);
      if (typeof start !== 'number') break;
      if (Array.isArray(next)) {
        next.forEach((v, k) => {
          const n = doc.resolve(v);
          if (typeof n === 'number') widths.set(start + k, n);
        });
        i += 2;
      } else {
        const value = doc.resolve(w[i + 2]);
        if (typeof next !== 'number' || typeof value !== 'number') break;
        for (let c = start; c <= Math.min(next, start + MAX_CMAP_ENTRIES); c++) widths.set(c, value);
        i += 3;
      }
    }
  }
  // Identity-H: the code is the CID.
  return (code) => widths.get(code) ?? fallback;
}

/** bfchar and bfrange entries of a ToUnicode CMap (Adobe technical note 5411). */
export function parseToUnicode(data: Uint8Array): Map<number, string> {
  const text = Buffer.from(data).toString('latin1');
  const map = new Map<number, string>();
  const hex = (h: string) => Number.parseInt(h, 16);
  const utf16 = (h: string) =>
    Buffer.from(h.length % 4 ? h.padStart(h.length + 2, '0') : h, 'hex')
      .swap16()
      .toString('utf16le');
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) {
      if (map.size >= MAX_CMAP_ENTRIES) return map;
      map.set(hex(m[1]), utf16(m[2]));
    }
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const [lo, hi] = [hex(m[1]), hex(m[2])];
      const dst = m[3];
      for (let c = lo, k = 0; c <= hi && map.size < MAX_CMAP_ENTRIES; c++, k++) {
        if (dst.startsWith('[')) {
          const items = [...dst.matchAll(/<([0-9a-fA-F]*)>/g)];
          if (items[k]) map.set(c, utf16(items[k][1]));
        } else {
          const base = Buffer.from(dst.slice(1, -1), 'hex');
          if (base.length < 2) continue;
          base.writeUInt16BE((base.readUInt16BE(base.length - 2) + k) & 0xffff, base.length - 2);
          map.set(c, base.swap16().toString('utf16le'));
        }
      }
    }
  }
  return map;
}
