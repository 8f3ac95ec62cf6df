import { DEFAULT_SERIF_BOLD_FONT_PATH, DEFAULT_SERIF_FONT_PATH, readFontFile } from '@kyso/pki';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont, PDFPage, rgb, type Color } from 'pdf-lib';

const A4: [number, number] = [595.28, 841.89];
/** Line pitch as a multiple of the font size. */
const LEADING = 1.35;
/** Field labels and rules: secondary, yet 4.5:1 on white (WCAG AA). */
const GREY = rgb(0.3, 0.3, 0.3);
const BLACK = rgb(0, 0, 0);

export interface PdfTextMeta {
  title: string;
  date: Date;
  /** The document language (BCP 47), for screen readers. */
  lang?: string;
  /** The producing application; `Kyso` unless given. */
  creator?: string;
  /** Page margin in points; 60 unless given. */
  margin?: number;
}

export interface TextOptions {
  size?: number;
  bold?: boolean;
  /** Centred on the page instead of starting at the left margin. */
  center?: boolean;
  /** Extra space after the block, in points. */
  after?: number;
  color?: Color;
}

export interface FieldOptions {
  /** Width of the label column, in points; the value fills the rest of the line. */
  labelWidth: number;
  size?: number;
}

/**
 * A small writer of plain text documents (letters, notices, reports): A4 pages, paragraphs wrapped word by
 * word, a new page when one is full, the fonts embedded as subsets so pdftotext gives the exact Vietnamese
 * back. The same text gives the same bytes (pdf-lib's subset tags come from a per-document seeded RNG).
 */
export class PdfTextWriter {
  private page: PDFPage;
  private y: number;
  private readonly width: number;

  private constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
    private readonly margin: number,
  ) {
    this.width = A4[0] - 2 * margin;
    this.page = doc.addPage(A4);
    this.y = A4[1] - margin;
  }

  static async create(meta: PdfTextMeta): Promise<PdfTextWriter> {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const [regular, bold] = await Promise.all(
      // Liberation Serif (libs/pki's appearance font, read once per process): metric-compatible with
      // Times New Roman (Decree 30/2020), with every Vietnamese precomposed letter.
      [DEFAULT_SERIF_FONT_PATH, DEFAULT_SERIF_BOLD_FONT_PATH].map(async (path) =>
        doc.embedFont(await readFontFile(path), { subset: true }),
      ),
    );
    doc.setTitle(meta.title);
    if (meta.lang) doc.setLanguage(meta.lang);
    doc.setProducer('Kyso');
    doc.setCreator(meta.creator ?? 'Kyso');
    doc.setCreationDate(meta.date);
    doc.setModificationDate(meta.date);
    return new PdfTextWriter(doc, regular, bold, meta.margin ?? 60);
  }

  /** A paragraph (lines in `text` are kept), wrapped to the page width. */
  text(text: string, o: TextOptions = {}): this {
    const size = o.size ?? 12;
    const font = o.bold ? this.bold : this.regular;
    const color = o.color ?? BLACK;
    for (const para of text.split('\n'))
      for (const line of wrap(para, font, size, this.width)) {
        this.room(size);
        const x = o.center ? (A4[0] - font.widthOfTextAtSize(line, size)) / 2 : this.margin;
        this.line(size, (y) => this.page.drawText(line, { x, y, size, font, color }));
      }
    this.y -= o.after ?? 0;
    return this;
  }

  /** A grey label in a left column, its value wrapped in the right one; the rows stay on one page. */
  field(label: string, value: string, o: FieldOptions): this {
    const size = o.size ?? 12;
    const font = this.regular;
    const labels = wrap(label, font, size, o.labelWidth - 10);
    const values = wrap(value, font, size, this.width - o.labelWidth);
    const rows = Math.max(labels.length, values.length);
    this.room(rows * size * LEADING);
    for (let i = 0; i < rows; i++)
      this.line(size, (y) => {
        if (labels[i]) this.page.drawText(labels[i], { x: this.margin, y, size, font, color: GREY });
        if (values[i]) this.page.drawText(values[i], { x: this.margin + o.labelWidth, y, size, font, color: BLACK });
      });
    return this;
  }

  /** A thin grey line across the text width. */
  rule(): this {
    this.room(8);
    this.y -= 6;
    this.page.drawLine({
      start: { x: this.margin, y: this.y },
      end: { x: this.margin + this.width, y: this.y },
      thickness: 0.5,
      color: GREY,
    });
    return this;
  }

  gap(points: number): this {
    this.y -= points;
    return this;
  }

  /** Object streams make a smaller file, but need a PDF 1.5 reader (and signer, for a document to sign). */
  save(o: { objectStreams?: boolean } = {}): Promise<Uint8Array> {
    return this.doc.save({ useObjectStreams: o.objectStreams ?? false });
  }

  /** A new page when `height` more points would cross the bottom margin. */
  private room(height: number): void {
    if (this.y - height < this.margin) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - this.margin;
    }
  }

  /** One line: its baseline one font size down, then the rest of the leading. */
  private line(size: number, draw: (y: number) => void): void {
    this.y -= size;
    draw(this.y);
    this.y -= size * (LEADING - 1);
  }
}

/** Words (NFC) to lines no wider than `width`; a word longer than a line (a digest) is cut. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const lines: string[] = [];
  let line = '';
  for (let word of text.normalize('NFC').split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (fits(next)) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    if (!fits(word)) {
      const pieces = cutWord(word, font, size, width);
      word = pieces.pop()!;
      lines.push(...pieces);
    }
    line = word;
  }
  return line || !lines.length ? [...lines, line] : lines;
}

/**
 * A word too wide for a line, cut into pieces that each fill one. Each piece is found by adding up the
 * characters' own widths (measured once per character), then checked as a whole (kerning), so a word of
 * n characters costs O(n) rather than a layout of every candidate prefix. A character wider than the line
 * goes alone.
 */
function cutWord(word: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const widths = new Map<string, number>();
  const widthOf = (c: string) => widths.get(c) ?? widths.set(c, font.widthOfTextAtSize(c, size)).get(c)!;
  const chars = [...word];
  const pieces: string[] = [];
  for (let start = 0; start < chars.length;) {
    let end = start;
    for (let w = 0; end < chars.length && w + widthOf(chars[end]) <= width; end++) w += widthOf(chars[end]);
    end = Math.max(end, start + 1);
    while (end - start > 1 && !fits(chars.slice(start, end).join(''))) end--;
    pieces.push(chars.slice(start, end).join(''));
    start = end;
  }
  return pieces;
}
