import fontkit from '@pdf-lib/fontkit';
import type { Font, Glyph, Subset } from '@pdf-lib/fontkit';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UpdateObject } from '../../pdf/incremental';
import { PdfName, PdfRef, PdfString, pdfDict } from '../../pdf/objects';
import { AppearanceError } from './errors';
import { Allocate, dictObject, streamObject } from './pdf-objects';

/**
 * Liberation Serif (SIL Open Font License 1.1, Debian package fonts-liberation2): metric-compatible
 * with Times New Roman, which Decree 30/2020 asks for, and it has every Vietnamese precomposed letter.
 */
export const DEFAULT_SERIF_FONT_PATH = '/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf';

/** The bold face beside it, for headings of generated documents (the verification report). */
export const DEFAULT_SERIF_BOLD_FONT_PATH = '/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf';

const fontFiles = new Map<string, Promise<Buffer>>();

/** A font file's bytes, read once per process. */
export function readFontFile(path = DEFAULT_SERIF_FONT_PATH): Promise<Buffer> {
  let file = fontFiles.get(path);
  if (!file) {
    file = readFile(path);
    fontFiles.set(path, file);
    // A missing font is a deployment fault: not remembered, so that installing it is enough.
    file.catch(() => fontFiles.delete(path));
  }
  return file;
}

/**
 * A TrueType font embedded as a subset (ISO 32000-1, 9.7: Type0 / CIDFontType2, Identity-H, with
 * a ToUnicode CMap so text extraction gives the exact Vietnamese back). Text is shown glyph by glyph
 * from NFC code points, without shaping: Vietnamese needs only the precomposed letters.
 */
export class SubsetFont {
  private readonly subset: Subset;
  /** Subset glyph id (= CID) -> the text it stands for, and its advance in font units. */
  private readonly cids = new Map<number, { text: string; advance: number }>();
  private readonly byGlyph = new Map<number, number>();
  private file: Buffer | undefined;

  private constructor(private readonly font: Font) {
    this.subset = font.createSubset();
    const notdef = font.getGlyph(0);
    this.cids.set(0, { text: '', advance: notdef.advanceWidth });
  }

  static async load(path = DEFAULT_SERIF_FONT_PATH): Promise<SubsetFont> {
    return new SubsetFont(fontkit.create(await readFontFile(path)));
  }

  /** Width of text at a size, in points (registers nothing). */
  widthOf(text: string, size: number): number {
    let units = 0;
    for (const ch of text.normalize('NFC')) units += this.glyph(ch).advanceWidth;
    return (units * size) / this.font.unitsPerEm;
  }

  /** The hex string operand showing text (2-byte CIDs); the glyphs join the subset. */
  show(text: string): string {
    if (this.file) throw new Error('SubsetFont.show after freeze');
    let hex = '';
    for (const ch of text.normalize('NFC')) {
      const g = this.glyph(ch);
      let cid = this.byGlyph.get(g.id);
      if (cid === undefined) {
        cid = this.subset.includeGlyph(g);
        this.byGlyph.set(g.id, cid);
        this.cids.set(cid, { text: ch, advance: g.advanceWidth });
      }
      hex += cid.toString(16).padStart(4, '0');
    }
    return `<${hex}>`;
  }

  /** Encodes the subset of the glyphs shown so far: after it, emit. */
  async freeze(): Promise<void> {
    this.file = await encodeSubset(this.subset);
  }

  /** The font's objects; the returned ref is the Type0 font for a /Font resource. */
  emit(alloc: Allocate): { font: PdfRef; objects: UpdateObject[] } {
    const file = this.file;
    if (!file) throw new Error('SubsetFont.emit before freeze');
    const [type0, cidFont, descriptor, fontFile, toUnicode] = [alloc(), alloc(), alloc(), alloc(), alloc()];
    const scale = 1000 / this.font.unitsPerEm;
    const cids = [...this.cids.keys()].sort((a, b) => a - b);
    const tag = subsetTag(cids.map((c) => this.cids.get(c)!.text).join(''));
    const baseName = new PdfName(`${tag}+${this.font.postscriptName}`);
    const bbox = this.font.bbox;
    const widths = cids.map((c) => Math.round(this.cids.get(c)!.advance * scale));
    return {
      font: type0,
      objects: [
        dictObject(
          type0,
          pdfDict({
            Type: new PdfName('Font'),
            Subtype: new PdfName('Type0'),
            BaseFont: baseName,
            Encoding: new PdfName('Identity-H'),
            DescendantFonts: [cidFont],
            ToUnicode: toUnicode,
          }),
        ),
        dictObject(
          cidFont,
          pdfDict({
            Type: new PdfName('Font'),
            Subtype: new PdfName('CIDFontType2'),
            BaseFont: baseName,
            CIDSystemInfo: pdfDict({
              Registry: latin1('Adobe'),
              Ordering: latin1('Identity'),
              Supplement: 0,
            }),
            FontDescriptor: descriptor,
            // CIDs are the subset's glyph ids, numbered from 0 without gaps.
            W: [0, widths],
            CIDToGIDMap: new PdfName('Identity'),
          }),
        ),
        dictObject(
          descriptor,
          pdfDict({
            Type: new PdfName('FontDescriptor'),
            FontName: baseName,
            Flags: 6, // serif, symbolic (glyphs outside the standard Latin set)
            FontBBox: [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => Math.round(v * scale)),
            ItalicAngle: this.font.italicAngle,
            Ascent: Math.round(this.font.ascent * scale),
            Descent: Math.round(this.font.descent * scale),
            CapHeight: Math.round(this.font.capHeight * scale),
            StemV: 80,
            FontFile2: fontFile,
          }),
        ),
        streamObject(fontFile, pdfDict({ Length1: file.length }), file),
        streamObject(toUnicode, pdfDict({}), toUnicodeCMap(cids.map((c) => [c, this.cids.get(c)!.text]))),
      ],
    };
  }

  private glyph(ch: string): Glyph {
    const cp = ch.codePointAt(0)!;
    if (!this.font.hasGlyphForCodePoint(cp))
      throw new AppearanceError(
        'APPEARANCE_TEXT_UNSUPPORTED',
        `the font has no glyph for U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
      );
    return this.font.glyphForCodePoint(cp);
  }
}

const latin1 = (s: string) => new PdfString(Buffer.from(s, 'latin1'), false);

function encodeSubset(subset: Subset): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const stream = subset.encodeStream();
    stream.on('data', (d: Uint8Array) => parts.push(Buffer.from(d)));
    stream.on('end', () => resolve(Buffer.concat(parts)));
  });
}

/** Six capital letters naming the subset (ISO 32000-1, 9.6.4), stable for the same glyphs. */
function subsetTag(text: string): string {
  const h = createHash('sha256').update(text).digest();
  return Array.from(h.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
}

function toUnicodeCMap(entries: [number, string][]): Buffer {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const utf16 = (s: string) => Buffer.from(s, 'utf16le').swap16().toString('hex');
  const mapped = entries.filter(([, t]) => t !== '');
  let body = '';
  for (let i = 0; i < mapped.length; i += 100) {
    const chunk = mapped.slice(i, i + 100);
    body += `${chunk.length} beginbfchar\n${chunk.map(([c, t]) => `<${hex4(c)}> <${utf16(t)}>`).join('\n')}\nendbfchar\n`;
  }
  return Buffer.from(
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
      '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
      '1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n' +
      body +
      'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n',
    'latin1',
  );
}
