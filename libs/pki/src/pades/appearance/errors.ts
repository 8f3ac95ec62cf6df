import { PkiFormatError } from '../../errors';

/** Stable codes of an appearance the signer cannot draw; safe to show to clients. */
export type AppearanceErrorCode =
  | 'APPEARANCE_INVALID'
  | 'APPEARANCE_PAGE_NOT_FOUND'
  | 'APPEARANCE_IMAGE_INVALID'
  | 'APPEARANCE_TEXT_UNSUPPORTED'
  | 'ANCHOR_TEXT_NOT_FOUND'
  | 'FORM_FIELD_NOT_FOUND'
  | 'FORM_FIELD_FILLED';

export class AppearanceError extends PkiFormatError {
  constructor(
    override readonly code: AppearanceErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'AppearanceError';
  }
}
