/** Visible signatures, organisation seals and text stamps drawn into the signature widget (Decree 30/2020, Appendix I). */
export { renderVisibleSignature, renderTextStamp } from './appearance';
export type { AppearancePlacement, Rect, RenderedAppearance, TextStampSpec, VisibleSignatureSpec } from './appearance';
export { AppearanceError } from './errors';
export type { AppearanceErrorCode } from './errors';
export { DEFAULT_SERIF_BOLD_FONT_PATH, DEFAULT_SERIF_FONT_PATH, readFontFile } from './font';
export { firstPageText } from './anchor';
export { formatLocalIsoTime } from './time';
export { reserveTextFields, fillTextFields, emptyTextFields } from './form-fields';
export type { TextFieldSpec } from './form-fields';
