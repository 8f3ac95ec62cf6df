import { FormField, PdfDocument } from './document';
import { PDF_LIMITS, PdfFormatError } from './errors';
import { isWhitespace } from './lexer';
import { PdfDict, PdfObject, PdfRef, PdfString } from './objects';
import { decodeTextString, parsePdfDate } from './text';

export interface PdfSignatureField {
  fieldName: string | null;
  byteRange: number[];
  /** CMS DER from /Contents with the zero padding removed (by the DER length). */
  contents: Uint8Array;
  filter: string | null;
  subFilter: string | null;
  reason: string | null;
  location: string | null;
  name: string | null;
  contactInfo: string | null;
  signingTimeRaw: string | null;
  signingTime: Date | null;
  /** byteRange[2] + byteRange[3]: the length of the revision this signature signs. */
  revisionLength: number;
  /** Starts at 0, the gap is exactly this dictionary's /Contents hex string, in the file, ends after %%EOF. */
  byteRangeValid: boolean;
  /** revisionLength === file length (ignoring trailing whitespace). */
  coversWholeDocument: boolean;
  /** Stable codes of what is wrong. */
  problems: SignatureProblem[];
}

export type SignatureProblem =
  | 'SIGNATURE_DICTIONARY_MISSING'
  | 'BYTE_RANGE_MISSING'
  | 'BYTE_RANGE_MALFORMED'
  | 'BYTE_RANGE_NOT_AT_START'
  | 'BYTE_RANGE_OUT_OF_FILE'
  | 'BYTE_RANGE_GAP_MISMATCH'
  | 'BYTE_RANGE_NOT_AT_EOF'
  | 'CONTENTS_MISSING'
  | 'CONTENTS_NOT_HEX'
  | 'CONTENTS_NOT_IN_FILE'
  | 'CONTENTS_NOT_DER'
  | 'SIGNING_TIME_MALFORMED';

/**
 * Signature fields with a value (signature or document timestamp) of every revision, oldest signed
 * revision first: a signature whose field a later revision removed is still reported (and the
 * removal judged as a change after it). Throws PdfFormatError for non-PDFs.
 */
export function findSignatures(pdf: Uint8Array | PdfDocument): PdfSignatureField[] {
  const doc = pdf instanceof PdfDocument ? pdf : PdfDocument.open(pdf);
  const found = new Map<string, PdfSignatureField>();
  const sections = doc.chain.sections;
  for (let k = 0; k < sections.length && k < PDF_LIMITS.maxRevisionsSearched; k++) {
    const view = k === 0 ? doc : doc.asOf(sections.slice(k));
    let fields: FormField[];
    try {
      fields = view.signatureFields();
    } catch (e) {
      if (k === 0 || !(e instanceof PdfFormatError)) throw e;
      continue; // an older view that does not read on its own (e.g. a linearized file's first section)
    }
    for (const field of fields) {
      if (!field.dict.has('V')) continue;
      const v = field.dict.get('V');
      const sig = describeSignature(view, field.name, view.resolveDict(v));
      const key = `${v instanceof PdfRef ? v.num : `field ${field.ref?.num}`}:${sig.byteRange.join(' ')}`;
      if (!found.has(key)) found.set(key, sig);
    }
  }
  return [...found.values()].sort((a, b) => a.revisionLength - b.revisionLength);
}

/**
 * Signature dictionaries found by scanning the bytes of a file whose structure cannot be read
 * (PdfDocument.recovered), so that a damaged signed file still gets a report. The field name is
 * taken from a field whose /V refers to the dictionary, when one is found.
 */
export function recoverSignatures(pdf: Uint8Array): PdfSignatureField[] {
  const doc = PdfDocument.recovered(pdf);
  const names = new Map<number, string | null>();
  const sigs: { num: number; dict: PdfDict }[] = [];
  for (const num of doc.entries.keys()) {
    let value: PdfObject;
    try {
      value = doc.getObject(num);
    } catch {
      continue; // a damaged object: skip it, as repairing readers do
    }
    if (!(value instanceof PdfDict)) continue;
    if (value.has('ByteRange') && value.has('Contents')) sigs.push({ num, dict: value });
    const v = value.get('V');
    const t = value.get('T');
    if (v instanceof PdfRef && t instanceof PdfString) names.set(v.num, decodeTextString(t.bytes));
  }
  const found = new Map<string, PdfSignatureField>();
  for (const { num, dict } of sigs) {
    const sig = describeSignature(doc, names.get(num) ?? null, dict);
    const key = sig.byteRange.join(' ');
    if (!found.has(key)) found.set(key, sig);
  }
  return [...found.values()].sort((a, b) => a.revisionLength - b.revisionLength);
}

function describeSignature(doc: PdfDocument, fieldName: string | null, sig: PdfDict | null): PdfSignatureField {
  const pdf = doc.bytes;
  const problems: SignatureProblem[] = [];
  const text = (key: string): string | null => {
    const v = sig ? doc.resolve(sig.get(key)) : null;
    return v instanceof PdfString ? decodeTextString(v.bytes) : null;
  };
  const name = (key: string): string | null => sig?.name(key) ?? null;
  if (!sig) problems.push('SIGNATURE_DICTIONARY_MISSING');

  // /ByteRange must be direct: an indirect one could be replaced by a later revision.
  const brValue = sig?.get('ByteRange') ?? null;
  const byteRange = Array.isArray(brValue) ? brValue.filter((x): x is number => typeof x === 'number') : [];
  const brShapeOk =
    Array.isArray(brValue) &&
    brValue.length === 4 &&
    byteRange.length === 4 &&
    byteRange.every((n) => Number.isSafeInteger(n) && n >= 0);
  if (sig && !brValue) problems.push('BYTE_RANGE_MISSING');
  else if (sig && !brShapeOk) problems.push('BYTE_RANGE_MALFORMED');

  // /Contents must be direct: its position in the file is what the gap must match.
  const contentsValue: PdfObject | undefined = sig?.get('Contents');
  let contents: Uint8Array = new Uint8Array();
  if (contentsValue instanceof PdfString) {
    const der = derPrefix(contentsValue.bytes);
    contents = der ?? stripZeros(contentsValue.bytes);
    if (!der) problems.push('CONTENTS_NOT_DER');
    if (!contentsValue.hex) problems.push('CONTENTS_NOT_HEX');
    if (contentsValue.start < 0) problems.push('CONTENTS_NOT_IN_FILE');
  } else if (sig) problems.push('CONTENTS_MISSING');

  const revisionLength = brShapeOk ? byteRange[2] + byteRange[3] : 0;
  if (brShapeOk) {
    if (byteRange[0] !== 0) problems.push('BYTE_RANGE_NOT_AT_START');
    if (byteRange[0] + byteRange[1] > byteRange[2] || revisionLength > pdf.length)
      problems.push('BYTE_RANGE_OUT_OF_FILE');
    const gapOk =
      contentsValue instanceof PdfString &&
      contentsValue.hex &&
      contentsValue.start >= 0 &&
      byteRange[0] + byteRange[1] === contentsValue.start &&
      byteRange[2] === contentsValue.end;
    if (!gapOk) problems.push('BYTE_RANGE_GAP_MISMATCH');
    if (revisionLength <= pdf.length && !endsAtEof(pdf, revisionLength)) problems.push('BYTE_RANGE_NOT_AT_EOF');
  }

  const signingTimeRaw = text('M');
  const signingTime = signingTimeRaw === null ? null : parsePdfDate(signingTimeRaw);
  if (signingTimeRaw !== null && !signingTime) problems.push('SIGNING_TIME_MALFORMED');

  let end = pdf.length;
  while (end > 0 && isWhitespace(pdf[end - 1])) end--;
  const byteRangeValid =
    brShapeOk &&
    !problems.some((p) => p.startsWith('BYTE_RANGE') || p === 'CONTENTS_NOT_IN_FILE' || p === 'CONTENTS_NOT_HEX');
  return {
    fieldName,
    byteRange,
    contents,
    filter: name('Filter'),
    subFilter: name('SubFilter'),
    reason: text('Reason'),
    location: text('Location'),
    name: text('Name'),
    contactInfo: text('ContactInfo'),
    signingTimeRaw,
    signingTime,
    revisionLength,
    byteRangeValid,
    coversWholeDocument: brShapeOk && revisionLength >= end && revisionLength <= pdf.length,
    problems,
  };
}

/** True when `length` falls right after a %%EOF marker, optionally followed by one EOL. */
function endsAtEof(pdf: Uint8Array, length: number): boolean {
  let p = length;
  if (p > 0 && pdf[p - 1] === 0x0a) p--;
  if (p > 0 && pdf[p - 1] === 0x0d) p--;
  return p >= 5 && Buffer.from(pdf.buffer, pdf.byteOffset + p - 5, 5).toString('latin1') === '%%EOF';
}

function stripZeros(b: Uint8Array): Uint8Array {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
}

/** The leading BER/DER element of b (indefinite lengths followed), or null when b does not start with one. */
function derPrefix(b: Uint8Array): Uint8Array | null {
  const end = elementEnd(b, 0, 0);
  return end === null || b[0] !== 0x30 ? null : b.subarray(0, end);
}

function elementEnd(b: Uint8Array, p: number, depth: number): number | null {
  if (depth > 64 || p + 2 > b.length) return null;
  const constructed = (b[p] & 0x20) !== 0;
  if ((b[p] & 0x1f) === 0x1f) {
    do p++;
    while (p < b.length && b[p] & 0x80);
  }
  p++;
  if (p >= b.length) return null;
  const first = b[p++];
  if (first < 0x80) return p + first <= b.length ? p + first : null;
  if (first === 0x80) {
    if (!constructed) return null;
    while (p + 1 < b.length && !(b[p] === 0 && b[p + 1] === 0)) {
      const e = elementEnd(b, p, depth + 1);
      if (e === null) return null;
      p = e;
    }
    return p + 2 <= b.length ? p + 2 : null;
  }
  const n = first & 0x7f;
  if (n > 4 || p + n > b.length) return null;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  return p + len <= b.length ? p + len : null;
}
