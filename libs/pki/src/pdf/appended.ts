import { checkPdfStructure } from './check';
import { PdfDocument } from './document';
import { PdfFormatError } from './errors';
import { asBuffer, keywordAt, readUInt, skipWhitespace } from './lexer';
import { PdfParser } from './parser';
import { findSignatures } from './signatures';

/** Budget: earlier %%EOF markers tried when the newest revisions of a file cannot be read. */
const MAX_FALLBACK_REVISIONS = 16;

/**
 * What in the bytes after `from` (the end of a signed revision) no cross-reference section of the
 * chain accounts for: objects at offsets no xref entry names, unused xref tables, garbage. Readers
 * that repair files may still show such data, so it is never presumed harmless (incremental saving
 * attacks without an xref, trailing objects). Empty when every byte is a used object, xref section,
 * startxref, comment or whitespace. Throws PdfFormatError for an unreadable object.
 */
export function unaccountedAppendedData(pdf: Uint8Array, from: number): string[] {
  const doc = PdfDocument.open(pdf);
  const shift = doc.chain.shift;
  const later = doc.chain.sections.filter((s) => s.offset >= from);
  const objects = new Map<number, number>(); // where each appended object starts -> its number
  const sections = new Set<number>();
  for (const s of later) {
    sections.add(skipWhitespace(pdf, s.offset));
    const stm = s.trailer.get('XRefStm');
    if (typeof stm === 'number' && Number.isInteger(stm)) sections.add(skipWhitespace(pdf, stm + shift));
    for (const [num, e] of s.entries)
      if (e.type === 'offset' && e.offset >= from) objects.set(skipWhitespace(pdf, e.offset), num);
  }
  for (let p = skipWhitespace(pdf, from); p < pdf.length; p = skipWhitespace(pdf, p)) {
    if (keywordAt(pdf, p, 'xref')) {
      if (!sections.has(p)) return [`a cross-reference table at offset ${p} that the chain does not use`];
      const trailer = asBuffer(pdf).indexOf('trailer', p, 'latin1');
      if (trailer < 0) return [`a cross-reference table at offset ${p} without a trailer`];
      const parser = new PdfParser(pdf, trailer + 7);
      parser.parseValue(0);
      p = parser.pos;
    } else if (keywordAt(pdf, p, 'startxref')) {
      const value = readUInt(pdf, p + 9);
      if (!value) return [`a startxref at offset ${p} without a value`];
      p = value.end;
    } else {
      const num = objects.get(p);
      if (num === undefined && !sections.has(p))
        return [`data at offset ${p} that no cross-reference section refers to`];
      const parser = new PdfParser(pdf, p);
      parser.parseIndirectObject(num);
      const end = skipWhitespace(pdf, parser.pos);
      if (!keywordAt(pdf, end, 'endobj')) return [`the object at offset ${p} has no endobj`];
      p = end + 6;
    }
  }
  return [];
}

/**
 * The bytes to verify: the whole file, or, when its newest revisions cannot be read (a /Prev loop,
 * objects appended without startxref...), the longest prefix ending at a %%EOF that reads and holds
 * signatures; `unreadableFrom` is then where the unreadable part begins. Throws the file's own
 * PdfFormatError when no such prefix exists.
 */
export function readableRevisions(pdf: Uint8Array): {
  readable: Uint8Array;
  unreadableFrom: number | null;
  /** `readable` opened (and checked): read on from it rather than opening the bytes again. */
  doc: PdfDocument;
} {
  try {
    return { readable: pdf, unreadableFrom: null, doc: checkPdfStructure(pdf) };
  } catch (e) {
    if (!(e instanceof PdfFormatError) || (e.code !== 'MALFORMED_PDF' && e.code !== 'TRUNCATED_PDF')) throw e;
    const b = asBuffer(pdf);
    let at = b.lastIndexOf('%%EOF', pdf.length - 1, 'latin1');
    for (
      let tries = 0;
      at >= 0 && tries < MAX_FALLBACK_REVISIONS;
      tries++, at = at > 0 ? b.lastIndexOf('%%EOF', at - 1, 'latin1') : -1
    ) {
      let end = at + 5;
      if (pdf[end] === 0x0d) end++;
      if (pdf[end] === 0x0a) end++;
      if (end >= pdf.length) continue;
      const prefix = pdf.subarray(0, end);
      try {
        const doc = checkPdfStructure(prefix);
        if (findSignatures(doc).length > 0) return { readable: prefix, unreadableFrom: end, doc };
      } catch {
        // not a readable revision either: try the one before
      }
    }
    throw e;
  }
}
