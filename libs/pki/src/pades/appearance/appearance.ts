import { PdfDocument } from '../../pdf/document';
import { UpdateObject } from '../../pdf/incremental';
import { WidgetAppearance } from '../../pdf/prepare';
import { PdfName, PdfRef, pdfDict } from '../../pdf/objects';
import { findTextOnPage } from './anchor';
import { AppearanceError } from './errors';
import { SubsetFont } from './font';
import { placeImages } from './image';
import { pageBox, Box } from './page-box';
import { Allocate, streamObject } from './pdf-objects';
import { decodePng, DecodedImage } from './png';

/** [x, y, width, height] in PDF points from the page's bottom-left corner. */
export type Rect = [number, number, number, number];

/**
 * Where the widget goes: a rectangle on a page (1-based), or relative to text found on the page
 * (the first page holding it, or the given one): centred over it, below it (the line under the
 * title), right after it on its line (the number after "Số:"), or starting where it starts and
 * covering it (a placeholder such as "ngày ... tháng ... năm"), moved by `offset`.
 */
export type AppearancePlacement =
  | { page: number; rect: Rect }
  | {
      anchorText: string;
      page?: number;
      position?: 'over' | 'below' | 'after' | 'start';
      width?: number;
      height?: number;
      offset?: [number, number];
    };

/** A visible signature: the official's image, optionally the organisation seal over its left third, text lines. */
export interface VisibleSignatureSpec {
  placement: AppearancePlacement;
  /** The handwritten-signature PNG (transparent background). */
  image?: Uint8Array;
  /** The organisation's seal PNG, drawn over about a third of the image, on its left. */
  seal?: Uint8Array;
  /** Lines under the image: name, title, time... */
  lines?: string[];
  /** Default 10. */
  fontSize?: number;
}

/** A plain text stamp (copies, attachments): top right of a page, regular, black. */
export interface TextStampSpec {
  lines: string[];
  /** Default 1. */
  page?: number;
  /** Default 10. */
  fontSize?: number;
  /** Distance from the page's top and right (or left) edges in points; default 28 (about 1 cm). */
  margin?: number;
  /** Default top-right (copies, attachments); the incoming-document stamp goes top-left. */
  corner?: 'top-right' | 'top-left';
  /** Draw a frame around the text, as a rubber stamp (the "ĐẾN" stamp). */
  frame?: boolean;
  /** Instead of a corner: just under this text, aligned with its start (the blank under "Số:"). */
  belowText?: string;
}

/** A drawn appearance ready for the signature widget (signPdf's `appearance`). */
export type RenderedAppearance = WidgetAppearance;

const DEFAULT_ANCHOR_SIZE: [number, number] = [180, 80];
const MAX_LINES = 8;
const MAX_LINE_LENGTH = 200;
const LEADING = 1.2;

export async function renderVisibleSignature(pdf: Uint8Array, spec: VisibleSignatureSpec): Promise<RenderedAppearance> {
  const doc = PdfDocument.open(pdf);
  const lines = checkLines(spec.lines ?? []);
  if (!spec.image && !spec.seal && lines.length === 0)
    throw new AppearanceError('APPEARANCE_INVALID', 'a visible signature needs an image, a seal or text lines');
  const { pageIndex, box } = place(doc, spec.placement);
  const page = pageBox(doc, doc.pages()[pageIndex].dict);
  const overlaps =
    box.x < page.x + page.width &&
    box.x + box.width > page.x &&
    box.y < page.y + page.height &&
    box.y + box.height > page.y;
  if (!overlaps) throw new AppearanceError('APPEARANCE_INVALID', 'the signature would lie outside the page');
  const [w, h] = [box.width, box.height];
  const font = await SubsetFont.load();
  let size = spec.fontSize ?? 10;
  checkFontSize(size);
  const widest = Math.max(0, ...lines.map((l) => font.widthOf(l, 1)));
  if (widest * size > w) size = Math.max(4, w / widest);
  const hasImage = !!(spec.image || spec.seal);
  let textHeight = lines.length * size * LEADING;
  if (hasImage && textHeight > h / 2) {
    size = Math.max(4, Math.min(size, h / 2 / (lines.length * LEADING)));
    textHeight = lines.length * size * LEADING;
  }
  const images: { name: string; image: DecodedImage }[] = [];
  const content: string[] = [];
  if (hasImage) {
    const area: Box = { x: 0, y: textHeight, width: w, height: h - textHeight };
    const signature = spec.image ? decodePng(spec.image) : undefined;
    const seal = spec.seal ? decodePng(spec.seal) : undefined;
    // In drawing order: the seal comes last, over the signature image.
    for (const { name, image, at } of placeImages(area, signature, seal)) {
      images.push({ name, image });
      content.push(`q ${n(at.width)} 0 0 ${n(at.height)} ${n(at.x)} ${n(at.y)} cm /${name} Do Q`);
    }
  }
  lines.forEach((line, i) => {
    const x = (w - font.widthOf(line, size)) / 2;
    const y = textHeight - (i + 1) * size * LEADING + size * 0.25;
    content.push(`BT /F1 ${n(size)} Tf 0 g ${n(x)} ${n(y)} Td ${font.show(line)} Tj ET`);
  });
  if (lines.length) await font.freeze();

  return finish(pageIndex, box, content.join('\n'), images, lines.length ? font : undefined);
}

export async function renderTextStamp(pdf: Uint8Array, spec: TextStampSpec): Promise<RenderedAppearance> {
  const doc = PdfDocument.open(pdf);
  const lines = checkLines(spec.lines);
  if (lines.length === 0) throw new AppearanceError('APPEARANCE_INVALID', 'a text stamp needs at least one line');
  const size = spec.fontSize ?? 10;
  checkFontSize(size);
  const margin = spec.margin ?? 28;
  if (!Number.isFinite(margin) || margin < 0 || margin > 300)
    throw new AppearanceError('APPEARANCE_INVALID', 'the margin must be between 0 and 300 points');
  const font = await SubsetFont.load();
  const pad = spec.frame ? 4 : 2;
  const width = Math.max(...lines.map((l) => font.widthOf(l, size))) + 2 * pad;
  const height = lines.length * size * LEADING + 2 * pad;
  let pageIndex: number;
  let box: Box;
  if (spec.belowText !== undefined) {
    const at = place(doc, { anchorText: spec.belowText, page: spec.page, position: 'start', width, height: 8 });
    pageIndex = at.pageIndex;
    // `place` centres the 8-point box on the text's line: the stamp starts a gap under that line.
    box = { x: at.box.x, y: at.box.y - height - 8, width, height };
  } else {
    pageIndex = pageIndexOf(doc, spec.page ?? 1);
    const p = pageBox(doc, doc.pages()[pageIndex].dict);
    box = {
      x: spec.corner === 'top-left' ? p.x + margin : p.x + p.width - margin - width,
      y: p.y + p.height - margin - height,
      width,
      height,
    };
  }
  const page = pageBox(doc, doc.pages()[pageIndex].dict);
  if (box.x < page.x || box.y < page.y || box.x + width > page.x + page.width)
    throw new AppearanceError('APPEARANCE_INVALID', 'the stamp does not fit on the page: shorten its lines');
  const content = lines.map((line, i) => {
    const y = height - pad - (i + 1) * size * LEADING + size * 0.25;
    return `BT /F1 ${n(size)} Tf 0 g ${n(pad)} ${n(y)} Td ${font.show(line)} Tj ET`;
  });
  if (spec.frame) content.push(`q 0 G 1 w 0.5 0.5 ${n(width - 1)} ${n(height - 1)} re S Q`);
  await font.freeze();
  return finish(pageIndex, box, content.join('\n'), [], font);
}

function finish(
  pageIndex: number,
  box: Box,
  content: string,
  images: { name: string; image: DecodedImage }[],
  font: SubsetFont | undefined,
): RenderedAppearance {
  return {
    pageIndex,
    rect: [box.x, box.y, box.x + box.width, box.y + box.height],
    emit(alloc) {
      const ap = alloc();
      const objects: UpdateObject[] = [];
      const xobjects = pdfDict({});
      for (const { name, image } of images) xobjects.set(name, imageObjects(image, alloc, objects));
      const resources = pdfDict({ XObject: xobjects });
      if (font) {
        const f = font.emit(alloc);
        objects.push(...f.objects);
        resources.set('Font', pdfDict({ F1: f.font }));
      }
      const form = pdfDict({
        Type: new PdfName('XObject'),
        Subtype: new PdfName('Form'),
        BBox: [0, 0, box.width, box.height],
        Resources: resources,
      });
      objects.unshift(streamObject(ap, form, Buffer.from(content, 'latin1')));
      return { ap, objects };
    },
  };
}

function imageObjects(image: DecodedImage, alloc: Allocate, objects: UpdateObject[]): PdfRef {
  const ref = alloc();
  const dict = pdfDict({
    Type: new PdfName('XObject'),
    Subtype: new PdfName('Image'),
    Width: image.width,
    Height: image.height,
    ColorSpace: new PdfName(image.colors === 3 ? 'DeviceRGB' : 'DeviceGray'),
    BitsPerComponent: 8,
  });
  if (image.alpha) {
    const mask = alloc();
    dict.set('SMask', mask);
    objects.push(
      streamObject(
        mask,
        pdfDict({
          Type: new PdfName('XObject'),
          Subtype: new PdfName('Image'),
          Width: image.width,
          Height: image.height,
          ColorSpace: new PdfName('DeviceGray'),
          BitsPerComponent: 8,
        }),
        image.alpha,
      ),
    );
  }
  objects.push(streamObject(ref, dict, image.pixels));
  return ref;
}

export function place(doc: PdfDocument, p: AppearancePlacement): { pageIndex: number; box: Box } {
  if (typeof p !== 'object' || p === null)
    throw new AppearanceError('APPEARANCE_INVALID', 'the placement must be an object');
  if ('rect' in p) {
    const pageIndex = pageIndexOf(doc, p.page);
    const [x, y, width, height] = checkRect(p.rect);
    return { pageIndex, box: { x, y, width, height } };
  }
  if (typeof p.anchorText !== 'string' || p.anchorText.trim() === '' || p.anchorText.length > MAX_LINE_LENGTH)
    throw new AppearanceError('APPEARANCE_INVALID', `anchorText must be 1-${MAX_LINE_LENGTH} characters`);
  const pages = doc.pages();
  const candidates = p.page === undefined ? pages.map((_, i) => i) : [pageIndexOf(doc, p.page)];
  const [width, height] = checkRect([
    0,
    0,
    p.width ?? DEFAULT_ANCHOR_SIZE[0],
    p.height ?? DEFAULT_ANCHOR_SIZE[1],
  ]).slice(2);
  const [dx, dy] = p.offset ?? [0, 0];
  if (![dx, dy].every((v) => Number.isFinite(v) && Math.abs(v) <= 14_400))
    throw new AppearanceError('APPEARANCE_INVALID', 'offset must be two numbers of points');
  for (const pageIndex of candidates) {
    const found = findTextOnPage(doc, pages[pageIndex].dict, p.anchorText);
    if (!found) continue;
    const position = p.position ?? 'over';
    const x =
      position === 'after'
        ? found.x + found.width
        : position === 'start'
          ? found.x
          : found.x + found.width / 2 - width / 2;
    const y = position === 'below' ? found.y - height : found.y + found.height / 2 - height / 2;
    return { pageIndex, box: { x: x + dx, y: y + dy, width, height } };
  }
  throw new AppearanceError('ANCHOR_TEXT_NOT_FOUND', `the text "${p.anchorText}" is not on the page`);
}

function pageIndexOf(doc: PdfDocument, page: number | undefined): number {
  const count = doc.pages().length;
  const p = page ?? 1;
  if (!Number.isInteger(p) || p < 1 || p > count)
    throw new AppearanceError('APPEARANCE_PAGE_NOT_FOUND', `page ${p} is not in the document (1-${count})`);
  return p - 1;
}

function checkRect(r: unknown): Rect {
  const ok =
    Array.isArray(r) &&
    r.length === 4 &&
    r.every((v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 14_400) &&
    r[2] >= 8 &&
    r[3] >= 8;
  if (!ok)
    throw new AppearanceError(
      'APPEARANCE_INVALID',
      'rect must be [x, y, width, height] in points, width and height at least 8',
    );
  return r as Rect;
}

export function checkLines(lines: unknown): string[] {
  if (!Array.isArray(lines) || lines.length > MAX_LINES || !lines.every((l) => typeof l === 'string'))
    throw new AppearanceError('APPEARANCE_INVALID', `text lines must be at most ${MAX_LINES} strings`);
  const out = lines.map((l: string) => l.normalize('NFC').trim()).filter((l) => l !== '');
  if (out.some((l) => l.length > MAX_LINE_LENGTH || /[\p{Cc}\p{Cf}]/u.test(l)))
    throw new AppearanceError(
      'APPEARANCE_INVALID',
      `a text line must be at most ${MAX_LINE_LENGTH} printable characters`,
    );
  return out;
}

function checkFontSize(size: number): void {
  if (!Number.isFinite(size) || size < 4 || size > 72)
    throw new AppearanceError('APPEARANCE_INVALID', 'fontSize must be between 4 and 72');
}

/** A number for a content stream: fixed notation, at most 3 decimals. */
export const n = (v: number): string => {
  const s = v.toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};
