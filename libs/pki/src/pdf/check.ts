import { PdfDocument, pdfHeaderPosition } from './document';

/**
 * Quick structural check at upload time: header, cross-reference chain, no encryption, a catalog
 * and a first page. Throws PdfFormatError (EMPTY_FILE, NOT_A_PDF, TRUNCATED_PDF, ENCRYPTED_PDF, MALFORMED_PDF).
 * Returns the document it opened, for a caller that reads on (it is not opened twice).
 */
export function checkPdfStructure(pdf: Uint8Array): PdfDocument {
  const doc = PdfDocument.open(pdf);
  doc.firstPage();
  return doc;
}

/**
 * Whether the bytes are a PDF at all (not empty, a %PDF- header near the start), damaged or not:
 * what a verifier must answer with a report rather than refuse. Throws PdfFormatError EMPTY_FILE
 * or NOT_A_PDF.
 */
export function checkPdfHeader(pdf: Uint8Array): void {
  pdfHeaderPosition(pdf);
}
