/** Stable codes for key store failures; services map them to problem+json. */
export type KeyStoreErrorCode =
  /** The PKCS#11 library could not be loaded or initialised. */
  | 'MODULE_LOAD_FAILED'
  /** Another store in this process already holds the module (C_Initialize is per process). */
  | 'MODULE_IN_USE'
  | 'TOKEN_NOT_FOUND'
  | 'PIN_INCORRECT'
  | 'PIN_LOCKED'
  /** The token (or its host) stopped answering; the store reconnects on the next call. */
  | 'TOKEN_UNAVAILABLE'
  /** The token did not answer an operation in time; its session was discarded. */
  | 'TOKEN_TIMEOUT'
  /** No session became free within the bounded wait. */
  | 'SESSION_POOL_TIMEOUT'
  | 'KEY_NOT_FOUND'
  | 'KEY_EXISTS'
  | 'INVALID_KEY_URI'
  | 'UNSUPPORTED_ALGORITHM'
  /** A digest to sign whose length or algorithm is not one the store signs. */
  | 'INVALID_DIGEST'
  /** Any other PKCS#11 failure of an operation. */
  | 'TOKEN_ERROR'
  | 'STORE_CLOSED';

export class KeyStoreError extends Error {
  constructor(
    readonly code: KeyStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KeyStoreError';
  }
}

export function isKeyStoreError(e: unknown, code?: KeyStoreErrorCode): e is KeyStoreError {
  return e instanceof KeyStoreError && (code === undefined || e.code === code);
}
