/** Malformed input (DER, PEM, PDF...): a typed error with a stable code, never an untyped throw. */
export class PkiFormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PkiFormatError';
  }
}
