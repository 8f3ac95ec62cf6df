import { PdfDocument } from './document';

/**
 * Quick structural check at upload time: header, cross-reference chain, no encryption, a catalog
 * and a first page. Throws PdfFormatError (EMPTY_FILE, NOT_A_PDF, TRUNCATED_PDF, ENCRYPTED_PDF, MALFORMED_PDF).
 */
export function checkPdfStructure(pdf: Uint8Array): void {
  const doc = PdfDocument.open(pdf);
  doc.firstPage();
}
