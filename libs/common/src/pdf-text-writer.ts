import { DEFAULT_SERIF_BOLD_FONT_PATH, DEFAULT_SERIF_FONT_PATH, readFontFile } from '@kyso/pki';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont, PDFPage, rgb } from 'pdf-lib';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 60;

export interface TextOptions {
  size?: number;
  bold?: boolean;
  /** Centred on the page instead of starting at the left margin. */
  center?: boolean;
  /** Extra space after the block, in points. */
  after?: number;
}

/**
 * A small writer of plain text documents (letters, notices): A4 pages, paragraphs wrapped word by word,
 * a new page when one is full, the fonts embedded as subsets so pdftotext gives the exact Vietnamese
 * back. The same text gives the same pages (pdf-lib names each font subset with a random tag).
 */
export class PdfTextWriter {
  private page: PDFPage;
  private y: number;

  private constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  static async create(meta: { title: string; date: Date }): Promise<PdfTextWriter> {
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
    doc.setProducer('Kyso');
    doc.setCreator('Kyso');
    doc.setCreationDate(meta.date);
    doc.setModificationDate(meta.date);
    return new PdfTextWriter(doc, regular, bold);
  }

  /** A paragraph (lines in `text` are kept), wrapped to the page width. */
  text(text: string, o: TextOptions = {}): this {
    const size = o.size ?? 12;
    const font = o.bold ? this.bold : this.regular;
    const width = A4[0] - 2 * MARGIN;
    for (const para of text.normalize('NFC').split('\n'))
      for (const line of wrap(para, font, size, width)) {
        if (this.y - size < MARGIN) {
          this.page = this.doc.addPage(A4);
          this.y = A4[1] - MARGIN;
        }
        this.y -= size;
        const x = o.center ? (A4[0] - font.widthOfTextAtSize(line, size)) / 2 : MARGIN;
        this.page.drawText(line, { x, y: this.y, size, font, color: rgb(0, 0, 0) });
        this.y -= size * 0.35;
      }
    this.y -= o.after ?? 0;
    return this;
  }

  gap(points: number): this {
    this.y -= points;
    return this;
  }

  save(): Promise<Uint8Array> {
    return this.doc.save({ useObjectStreams: false });
  }
}

/** Words to lines no wider than `width`; a word longer than a line stands alone. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  return line || !lines.length ? [...lines, line] : lines;
}
