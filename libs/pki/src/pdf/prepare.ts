import { PdfDocument } from './document';
import { encryptValue } from './encryption';
import { PdfFormatError } from './errors';
import { buildIncrementalUpdate, nextObjectNumber, UpdateObject } from './incremental';
import { PdfDict, PdfName, PdfObject, PdfRef, pdfDict } from './objects';
import { serializeValue } from './serialize';
import { encodeTextString, formatPdfDate } from './text';
import { MAX_CONTENTS_SIZE } from '../budgets';

export interface SignaturePlaceholderOptions {
  /** Default: the first free "Signature<n>". */
  fieldName?: string;
  /** Written as /M, a PDF date with offset (e.g. D:20261125183000+07'00'). */
  signingTime: Date;
  /** Default 420 (Vietnam, UTC+7). */
  timeZoneOffsetMinutes?: number;
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
  /** Default ETSI.CAdES.detached (PAdES); ETSI.RFC3161 makes a document timestamp (/Type /DocTimeStamp, no /M). */
  subFilter?: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached' | 'ETSI.RFC3161';
  /** Bytes reserved for the CMS (the hex string is twice as long). Default 16384. */
  contentsSize?: number;
  /** A visible widget (see pades/appearance); without it the field is invisible on the first page. */
  appearance?: WidgetAppearance;
  /** Form changes made in the same update, so that this signature covers them (not on encrypted documents). */
  form?: FormChanges;
}

/**
 * Text fields made or filled in the signature's own update: an approving signature reserves empty
 * read-only fields (the document number and date of issue), the issuing signature fills them in
 * (ISO 32000-1, 12.7: a value and its appearance, which DocMDP P=2 and no DocMDP both permit).
 */
export interface FormChanges {
  newTextFields?: { name: string; pageIndex: number; rect: [number, number, number, number] }[];
  /** Each writes new versions of an existing field (and its widgets) and their new appearance objects. */
  fills?: { emit(alloc: () => PdfRef): UpdateObject[] }[];
}

/** A drawn signature widget: its page, /Rect [x1 y1 x2 y2], and its objects written with the update's numbers. */
export interface WidgetAppearance {
  pageIndex: number;
  rect: [number, number, number, number];
  /** The first returned object is the normal appearance (/AP /N), a form XObject. */
  emit(alloc: () => PdfRef): { ap: PdfRef; objects: UpdateObject[] };
}

export interface PreparedPdf {
  pdf: Uint8Array;
  byteRange: [number, number, number, number];
  contentsSize: number;
}

/**
 * A placeholder as the bytes appended to the input (which stays untouched and is not copied):
 * the signed file is the input followed by `update`. The first byte range covers the whole input.
 */
export interface PreparedUpdate {
  update: Uint8Array;
  /** The input's length: where `update` starts in the signed file. */
  updateStart: number;
  byteRange: [number, number, number, number];
  contentsSize: number;
}

export const DEFAULT_CONTENTS_SIZE = 16_384;
/** Digits of each ByteRange number in the placeholder: up to ~9.3 GiB. */
const BYTE_RANGE_DIGITS = 10;
const BYTE_RANGE_PLACEHOLDER = `[0 ${'0'.repeat(BYTE_RANGE_DIGITS)} ${'0'.repeat(BYTE_RANGE_DIGITS)} ${'0'.repeat(BYTE_RANGE_DIGITS)}]`;

/**
 * Appends, as an incremental update, an invisible signature field on the first page whose signature
 * dictionary has a zero-filled /Contents and a /ByteRange covering everything but that hex string.
 * The input is never re-serialized: the output is the input bytes followed by the update.
 */
export function preparePdfSignature(pdf: Uint8Array, opts: SignaturePlaceholderOptions): PreparedPdf {
  const { update, updateStart, byteRange, contentsSize } = preparePdfSignatureUpdate(pdf, opts);
  const out = new Uint8Array(updateStart + update.length);
  out.set(pdf, 0);
  out.set(update, updateStart);
  return { pdf: out, byteRange, contentsSize };
}

/** preparePdfSignature without copying the input: only the appended bytes are made. */
export function preparePdfSignatureUpdate(pdf: Uint8Array, opts: SignaturePlaceholderOptions): PreparedUpdate {
  const contentsSize = opts.contentsSize ?? DEFAULT_CONTENTS_SIZE;
  if (!Number.isInteger(contentsSize) || contentsSize < 64 || contentsSize > MAX_CONTENTS_SIZE) {
    throw new PdfFormatError('INVALID_OPTIONS', `contentsSize must be an integer between 64 and ${MAX_CONTENTS_SIZE}`);
  }
  const offset = opts.timeZoneOffsetMinutes ?? 420;
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60)
    throw new PdfFormatError('INVALID_OPTIONS', 'timeZoneOffsetMinutes out of range');
  if (!(opts.signingTime instanceof Date) || Number.isNaN(opts.signingTime.getTime())) {
    throw new PdfFormatError('INVALID_OPTIONS', 'signingTime must be a valid Date');
  }

  const doc = PdfDocument.open(pdf);
  const catalog = doc.catalog();
  const visible = opts.appearance;
  const form = opts.form ?? {};
  const formChanged = !!(form.newTextFields?.length || form.fills?.length);
  // Streams of an encrypted document would need encrypting too; not done for appearances.
  if ((visible || formChanged) && doc.encryption)
    throw new PdfFormatError('ENCRYPTED_PDF', 'a visible signature on an encrypted document is not supported');
  const page = visible ? doc.pages()[visible.pageIndex] : doc.firstPage();
  if (!page) throw new PdfFormatError('INVALID_OPTIONS', 'the appearance names a page the document does not have');
  const fieldName = chooseFieldName(doc, opts.fieldName);

  let next = nextObjectNumber(doc);
  const sigRef = new PdfRef(next++, 0);
  const widgetRef = new PdfRef(next++, 0);
  const objects: UpdateObject[] = [];
  const drawn = visible?.emit(() => new PdfRef(next++, 0));

  // New and rewritten objects of an encrypted document carry encrypted strings (its /Contents excepted).
  const crypt = doc.encryption;
  const body = (ref: PdfRef, value: PdfDict) =>
    serializeValue(crypt ? encryptValue(crypt, ref.num, ref.gen, value) : value);
  const sig = signatureDictionary(opts, contentsSize, offset, (extra) =>
    crypt ? (encryptValue(crypt, sigRef.num, 0, extra) as PdfDict) : extra,
  );
  objects.push({ num: sigRef.num, gen: 0, body: sig.body });

  const widget = pdfDict({
    Type: new PdfName('Annot'),
    Subtype: new PdfName('Widget'),
    FT: new PdfName('Sig'),
    T: encodeTextString(fieldName),
    V: sigRef,
    Rect: visible ? visible.rect : [0, 0, 0, 0],
    F: 132, // Print + Locked: part of the printed record, not to be moved
    P: page.ref,
  });
  if (drawn) widget.set('AP', pdfDict({ N: drawn.ap }));
  objects.push({ num: widgetRef.num, gen: 0, body: body(widgetRef, widget) });
  if (drawn) objects.push(...drawn.objects);
  const alloc = () => new PdfRef(next++, 0);
  for (const fill of form.fills ?? []) objects.push(...fill.emit(alloc));

  // Widgets by page; indirect /Annots arrays are inlined: the page objects are rewritten anyway.
  const newWidgets = new Map<number, { page: { ref: PdfRef; dict: PdfDict }; refs: PdfRef[] }>([
    [page.ref.num, { page, refs: [widgetRef] }],
  ]);
  const textFields = (form.newTextFields ?? []).map((f) => {
    const p = doc.pages()[f.pageIndex];
    if (!p) throw new PdfFormatError('INVALID_OPTIONS', `no page ${f.pageIndex + 1} for field "${f.name}"`);
    const ref = alloc();
    const ap = alloc();
    const [w, h] = [f.rect[2] - f.rect[0], f.rect[3] - f.rect[1]];
    objects.push(
      { num: ref.num, gen: 0, body: serializeValue(textFieldWidget(chooseFieldName(doc, f.name), f.rect, p.ref, ap)) },
      {
        num: ap.num,
        gen: 0,
        body: `<</Type /XObject /Subtype /Form /BBox [0 0 ${w} ${h}] /Length 0>>\nstream\n\nendstream`,
      },
    );
    const entry = newWidgets.get(p.ref.num) ?? { page: p, refs: [] };
    entry.refs.push(ref);
    newWidgets.set(p.ref.num, entry);
    return ref;
  });
  for (const { page: p, refs } of newWidgets.values()) {
    const newPage = p.dict.clone().set('Annots', [...arrayItems(doc, p.dict.get('Annots')), ...refs]);
    objects.push({ num: p.ref.num, gen: p.ref.gen, body: body(p.ref, newPage) });
  }

  const acroFormValue = catalog.dict.get('AcroForm');
  const indirectAcroForm = acroFormValue instanceof PdfRef ? doc.resolveDict(acroFormValue) : null;
  const acroForm = (indirectAcroForm ?? doc.resolveDict(acroFormValue) ?? new PdfDict()).clone();
  acroForm.set('Fields', [...arrayItems(doc, acroForm.get('Fields')), widgetRef, ...textFields]).set('SigFlags', 3);
  if (textFields.length) acroForm.set('DR', withHelvetica(doc, acroForm));
  if (indirectAcroForm && acroFormValue instanceof PdfRef) {
    objects.push({ num: acroFormValue.num, gen: acroFormValue.gen, body: body(acroFormValue, acroForm) });
  } else {
    const newCatalog = catalog.dict.clone().set('AcroForm', acroForm);
    objects.push({ num: catalog.ref.num, gen: catalog.ref.gen, body: body(catalog.ref, newCatalog) });
  }

  const { update, bodyOffsets, updateStart } = buildIncrementalUpdate(
    doc,
    objects,
    `${opts.signingTime.toISOString()}|${fieldName}`,
  );
  const sigStart = bodyOffsets.get(sigRef.num)!;
  const lt = sigStart + sig.contentsAt;
  const gt = lt + 2 * contentsSize + 2;
  const byteRange: [number, number, number, number] = [0, lt, gt, updateStart + update.length - gt];
  const text = `[${byteRange.join(' ')}`.padEnd(BYTE_RANGE_PLACEHOLDER.length - 1, ' ') + ']';
  update.set(Buffer.from(text, 'latin1'), sigStart - updateStart + sig.byteRangeAt);
  return { update, updateStart, byteRange, contentsSize };
}

function signatureDictionary(
  opts: SignaturePlaceholderOptions,
  contentsSize: number,
  offset: number,
  protect: (entries: PdfDict) => PdfDict,
) {
  const documentTimestamp = opts.subFilter === 'ETSI.RFC3161';
  const type = documentTimestamp ? 'DocTimeStamp' : 'Sig';
  const head = `<</Type /${type} /Filter /Adobe.PPKLite /SubFilter /${opts.subFilter ?? 'ETSI.CAdES.detached'} /ByteRange `;
  const byteRangeAt = head.length;
  const beforeContents = `${head}${BYTE_RANGE_PLACEHOLDER} /Contents `;
  const contentsAt = beforeContents.length;
  // ETSI EN 319 142-1 5.4.3: the time of a document timestamp is in its token, not in /M.
  const extra = documentTimestamp
    ? new PdfDict()
    : new PdfDict().set('M', encodeTextString(formatPdfDate(opts.signingTime, offset)));
  for (const [key, value] of [
    ['Name', opts.name],
    ['Reason', opts.reason],
    ['Location', opts.location],
    ['ContactInfo', opts.contactInfo],
  ] as const) {
    if (value !== undefined && value !== '') extra.set(key, encodeTextString(value));
  }
  const tail = serializeValue(protect(extra)).slice(2); // the entries and the closing ">>"
  return { body: `${beforeContents}<${'0'.repeat(2 * contentsSize)}> ${tail}`, byteRangeAt, contentsAt };
}

/** An empty, read-only (Ff 1) text field and its widget in one dictionary, printed (F 4). */
function textFieldWidget(name: string, rect: [number, number, number, number], page: PdfRef, ap: PdfRef): PdfDict {
  return pdfDict({
    Type: new PdfName('Annot'),
    Subtype: new PdfName('Widget'),
    FT: new PdfName('Tx'),
    T: encodeTextString(name),
    Ff: 1,
    F: 4,
    Rect: rect,
    P: page,
    DA: encodeTextString('/Helv 10 Tf 0 g'),
    AP: pdfDict({ N: ap }),
  });
}

/** The form's /DR with the Helvetica its fields' /DA names (viewers that regenerate appearances need it). */
function withHelvetica(doc: PdfDocument, acroForm: PdfDict): PdfDict {
  const dr = (doc.resolveDict(acroForm.get('DR')) ?? new PdfDict()).clone();
  const fonts = (doc.resolveDict(dr.get('Font')) ?? new PdfDict()).clone();
  if (!fonts.has('Helv'))
    fonts.set(
      'Helv',
      pdfDict({
        Type: new PdfName('Font'),
        Subtype: new PdfName('Type1'),
        BaseFont: new PdfName('Helvetica'),
        Encoding: new PdfName('WinAnsiEncoding'),
      }),
    );
  return dr.set('Font', fonts);
}

function chooseFieldName(doc: PdfDocument, wanted: string | undefined): string {
  const taken = new Set(doc.fields().map((f) => f.name));
  if (wanted !== undefined) {
    if (wanted.length === 0 || wanted.length > 255 || wanted.includes('.')) {
      throw new PdfFormatError('INVALID_FIELD_NAME', 'a field name must be 1-255 characters without "."');
    }
    if (taken.has(wanted))
      throw new PdfFormatError('SIGNATURE_FIELD_EXISTS', `a field named "${wanted}" already exists`);
    return wanted;
  }
  for (let n = 1; ; n++) if (!taken.has(`Signature${n}`)) return `Signature${n}`;
}

function arrayItems(doc: PdfDocument, o: PdfObject | undefined): PdfObject[] {
  const v = doc.resolve(o);
  return Array.isArray(v) ? v : [];
}

/** The two signed ranges, as views into pdf (no copies). */
export function signedByteRanges(pdf: Uint8Array, byteRange: readonly number[]): Uint8Array[] {
  checkByteRange(pdf, byteRange);
  const [a, b, c, d] = byteRange;
  return [pdf.subarray(a, a + b), pdf.subarray(c, c + d)];
}

/** Writes the CMS as hex into the placeholder, in place; returns the same buffer. */
export function embedSignature(prepared: PreparedPdf, cms: Uint8Array): Uint8Array {
  checkByteRange(prepared.pdf, prepared.byteRange);
  return embedAt(prepared.pdf, 0, prepared.byteRange, cms);
}

/** embedSignature for a PreparedUpdate: writes into `update` (the placeholder lies in it); returns it. */
export function embedSignatureInUpdate(prepared: PreparedUpdate, cms: Uint8Array): Uint8Array {
  const { update, updateStart, byteRange } = prepared;
  const [a, b, c, d] = byteRange;
  if (a !== 0 || b <= updateStart || c + d !== updateStart + update.length)
    throw new PdfFormatError('INVALID_BYTE_RANGE', `byte range [${byteRange.join(' ')}] does not fit the update`);
  checkByteRange(update, [0, b - updateStart, c - updateStart, d]);
  return embedAt(update, updateStart, byteRange, cms);
}

/** Writes the CMS as hex between the ranges; `pdf` holds the file from offset `base` on. */
function embedAt(pdf: Uint8Array, base: number, byteRange: readonly number[], cms: Uint8Array): Uint8Array {
  const lt = byteRange[1] - base;
  const gt = byteRange[2] - base;
  if (pdf[lt] !== 0x3c || pdf[gt - 1] !== 0x3e)
    throw new PdfFormatError('INVALID_BYTE_RANGE', 'the byte range gap is not a hex string');
  const room = gt - lt - 2;
  if (cms.length === 0) throw new PdfFormatError('INVALID_OPTIONS', 'the signature is empty');
  if (cms.length * 2 > room) {
    throw new PdfFormatError(
      'SIGNATURE_TOO_LARGE',
      `the signature needs ${cms.length} bytes, ${room / 2} were reserved`,
    );
  }
  const hex = Buffer.from(Buffer.from(cms.buffer, cms.byteOffset, cms.length).toString('hex'), 'latin1');
  pdf.set(hex, lt + 1);
  pdf.fill(0x30, lt + 1 + hex.length, gt - 1); // '0' padding, also after a retry with a shorter CMS
  return pdf;
}

function checkByteRange(pdf: Uint8Array, br: readonly number[]): void {
  const ok =
    br.length === 4 &&
    br.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    br[0] + br[1] <= br[2] &&
    br[2] + br[3] <= pdf.length;
  if (!ok)
    throw new PdfFormatError(
      'INVALID_BYTE_RANGE',
      `byte range [${br.join(' ')}] does not fit a ${pdf.length}-byte file`,
    );
}
