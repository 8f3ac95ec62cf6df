import { PkiFormatError } from '../errors';

/** Stable codes of PdfFormatError. */
export type PdfErrorCode =
  | 'EMPTY_FILE'
  | 'NOT_A_PDF'
  | 'TRUNCATED_PDF'
  | 'ENCRYPTED_PDF'
  | 'MALFORMED_PDF'
  | 'SIGNATURE_TOO_LARGE'
  | 'INVALID_BYTE_RANGE'
  | 'INVALID_FIELD_NAME'
  | 'SIGNATURE_FIELD_EXISTS'
  | 'INVALID_OPTIONS';

/** A PDF we cannot read or write safely; `code` is stable and safe to show to clients. */
export class PdfFormatError extends PkiFormatError {
  constructor(
    override readonly code: PdfErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'PdfFormatError';
  }
}

export const malformed = (message: string): PdfFormatError => new PdfFormatError('MALFORMED_PDF', message);

/** Budgets: hostile input must fail fast rather than exhaust the stack, memory or time. */
export const PDF_LIMITS = {
  /** Nesting of arrays/dictionaries inside one object. */
  maxNesting: 64,
  /** Items in one array or dictionary. */
  maxContainerItems: 1_000_000,
  /** PDF's own limit on object numbers (ISO 32000-1, annex C). */
  maxObjectNumber: 8_388_607,
  /** Cross-reference sections followed through /Prev. */
  maxXrefSections: 1024,
  /** Decoded size of one xref stream or object stream. */
  maxDecodedStream: 64 * 1024 * 1024,
  /** Objects in one object stream. */
  maxObjectsInObjectStream: 100_000,
  /** Chained indirect references followed while resolving one value. */
  maxReferenceChain: 32,
  /** Revisions whose own view is searched for signatures (signatures removed by a later one). */
  maxRevisionsSearched: 256,
  /** Depth of the page tree and of the form field tree. */
  maxTreeDepth: 64,
  /** Nodes visited in the page tree or form field tree. */
  maxTreeNodes: 200_000,
  /** Where to look for the header and for startxref/%%EOF. */
  headerWindow: 1024,
  trailerWindow: 2048,
} as const;
