import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont, PDFPage, rgb } from 'pdf-lib';
import { DEFAULT_SERIF_BOLD_FONT_PATH, DEFAULT_SERIF_FONT_PATH, readFontFile } from '@kyso/pki';
import type { Mark, ReadableReport } from './readable-report';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const WIDTH = A4[0] - 2 * MARGIN;
const LABEL_WIDTH = 170;
const BODY = 11;
const LEADING = 1.35;

/** Colours that keep 4.5:1 contrast on white (WCAG AA), so a printed or screen copy stays legible. */
const MARK_COLOUR: Record<Mark, ReturnType<typeof rgb>> = {
  valid: rgb(0.05, 0.4, 0.15),
  invalid: rgb(0.65, 0.05, 0.05),
  indeterminate: rgb(0.5, 0.3, 0),
};
const GREY = rgb(0.3, 0.3, 0.3);

/** Wraps text to a width, word by word; a word longer than the line (a digest) is cut. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const push = (word: string) => {
    while (font.widthOfTextAtSize(word, size) > width && word.length > 1) {
      let cut = word.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(word.slice(0, cut), size) > width) cut--;
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    return word;
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width) line = next;
    else {
      if (line) lines.push(line);
      line = push(word);
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** Lays text out top to bottom, adding pages as needed. */
class Writer {
  private page: PDFPage;
  private y = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = this.newPage();
  }

  private newPage(): PDFPage {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
    return this.page;
  }

  private room(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  gap(points: number): void {
    this.y -= points;
  }

  para(text: string, opts: { size?: number; bold?: boolean; colour?: ReturnType<typeof rgb>; centre?: boolean } = {}) {
    const size = opts.size ?? BODY;
    const font = opts.bold ? this.bold : this.regular;
    for (const line of wrap(text, font, size, WIDTH)) {
      this.room(size * LEADING);
      this.y -= size * LEADING;
      const x = opts.centre ? MARGIN + (WIDTH - font.widthOfTextAtSize(line, size)) / 2 : MARGIN;
      this.page.drawText(line, { x, y: this.y, size, font, color: opts.colour ?? rgb(0, 0, 0) });
    }
  }

  /** A label in the left column, its value wrapped in the right one. */
  field(label: string, value: string): void {
    const labels = wrap(label, this.regular, BODY, LABEL_WIDTH - 10);
    const values = wrap(value, this.regular, BODY, WIDTH - LABEL_WIDTH);
    const rows = Math.max(labels.length, values.length);
    this.room(rows * BODY * LEADING);
    for (let i = 0; i < rows; i++) {
      this.y -= BODY * LEADING;
      if (labels[i])
        this.page.drawText(labels[i], { x: MARGIN, y: this.y, size: BODY, font: this.regular, color: GREY });
      if (values[i])
        this.page.drawText(values[i], { x: MARGIN + LABEL_WIDTH, y: this.y, size: BODY, font: this.regular });
    }
  }

  rule(): void {
    this.room(8);
    this.y -= 6;
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: MARGIN + WIDTH, y: this.y },
      thickness: 0.5,
      color: GREY,
    });
  }
}

/**
 * The verification report as a PDF (A4, Liberation Serif subset-embedded so Vietnamese shows and
 * extracts exactly). Deterministic for the same report: its dates are the validation time.
 */
export async function renderReportPdf(r: ReadableReport, validatedAt: Date): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const [regularBytes, boldBytes] = await Promise.all([
    readFontFile(DEFAULT_SERIF_FONT_PATH),
    readFontFile(DEFAULT_SERIF_BOLD_FONT_PATH),
  ]);
  const regular = await doc.embedFont(regularBytes, { subset: true });
  const bold = await doc.embedFont(boldBytes, { subset: true });
  doc.setTitle(r.title);
  doc.setLanguage(r.lang === 'vi' ? 'vi-VN' : 'en');
  doc.setProducer('Kyso');
  doc.setCreator('Kyso verifier');
  doc.setCreationDate(validatedAt);
  doc.setModificationDate(validatedAt);

  const w = new Writer(doc, regular, bold);
  w.para(r.title, { size: 15, bold: true, centre: true });
  w.gap(8);
  w.para(`${r.markText.toUpperCase()}: ${r.conclusion}`, { size: 13, bold: true, colour: MARK_COLOUR[r.mark] });
  w.gap(6);
  for (const [label, value] of r.facts) w.field(label, value);
  for (const reason of r.reasons) w.field(r.reasonsLabel, `• ${reason}`);
  for (const s of r.signatures) {
    w.gap(6);
    w.rule();
    w.gap(2);
    w.para(`${s.heading}: ${s.markText.toUpperCase()}`, { size: 12, bold: true, colour: MARK_COLOUR[s.mark] });
    for (const [label, value] of s.fields) w.field(label, value);
    for (const reason of s.reasons) w.field(r.reasonsLabel, `• ${reason}`);
  }
  return doc.save({ useObjectStreams: true });
}
