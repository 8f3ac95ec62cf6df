/** PDF mechanics for PAdES: a lazy reader, incremental-update writer, signature placeholders and change analysis. */
export { PdfFormatError, PDF_LIMITS } from './errors';
export type { PdfErrorCode } from './errors';
export * from './objects';
export { decodeTextString, encodeTextString, formatPdfDate, parsePdfDate } from './text';
export { PdfDocument } from './document';
export type { FormField } from './document';
export type { XrefEntry, XrefSection, XrefChain } from './xref';
export { appendIncrementalUpdate, buildIncrementalUpdate, nextObjectNumber } from './incremental';
export type { UpdateObject, IncrementalUpdate, AppendedUpdate } from './incremental';
export { serializeValue } from './serialize';
export {
  preparePdfSignature,
  preparePdfSignatureUpdate,
  signedByteRanges,
  embedSignature,
  embedSignatureInUpdate,
  DEFAULT_CONTENTS_SIZE,
} from './prepare';
export type {
  SignaturePlaceholderOptions,
  PreparedPdf,
  PreparedUpdate,
  WidgetAppearance,
  FormChanges,
} from './prepare';
export { findSignatures, recoverSignatures } from './signatures';
export type { PdfSignatureField, SignatureProblem } from './signatures';
export { checkPdfStructure, checkPdfHeader } from './check';
export { describeChangesAfter, permissionsAt, NO_RESTRICTIONS } from './changes';
export { classifyChanges } from './change-policy';
export { unaccountedAppendedData, readableRevisions } from './appended';
export type { PdfChange, PdfChangeKind, PdfObjectRole, ModificationPermissions, FieldLock } from './changes';
export { readDss, appendDss, vriKey, MAX_DSS_ITEMS, MAX_VRI_ENTRIES } from './dss';
export type { DssData, AppendDssOptions } from './dss';
export { stateSecretMarking, STATE_SECRET_DEGREES, CONFIDENTIALITY_KEY, withoutDiacritics } from './confidentiality';
export type { StateSecretDegree } from './confidentiality';
