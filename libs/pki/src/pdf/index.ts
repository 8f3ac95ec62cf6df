/** PDF mechanics for PAdES: a lazy reader, incremental-update writer, signature placeholders and change analysis. */
export { PdfFormatError, PDF_LIMITS } from './errors';
export type { PdfErrorCode } from './errors';
export * from './objects';
export { decodeTextString, encodeTextString, formatPdfDate, parsePdfDate } from './text';
export { PdfDocument } from './document';
export type { FormField } from './document';
export type { XrefEntry, XrefSection, XrefChain } from './xref';
export { appendIncrementalUpdate, nextObjectNumber } from './incremental';
export type { UpdateObject, IncrementalUpdate } from './incremental';
export { serializeValue } from './serialize';
export { preparePdfSignature, signedByteRanges, embedSignature, DEFAULT_CONTENTS_SIZE } from './prepare';
export type { SignaturePlaceholderOptions, PreparedPdf } from './prepare';
export { findSignatures } from './signatures';
export type { PdfSignatureField, SignatureProblem } from './signatures';
export { checkPdfStructure } from './check';
export { describeChangesAfter, classifyChanges } from './changes';
export { unaccountedAppendedData, readableRevisions } from './appended';
export type { PdfChange, PdfChangeKind, PdfObjectRole } from './changes';
