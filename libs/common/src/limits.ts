/**
 * Service limits shared by the apps, each defined once (style.md point 7). PKI budgets (CRL size,
 * path length, downloads) live in `@kyso/pki`'s budgets module.
 */

const KIB = 1024;
const MIB = 1024 * KIB;

/** Connecting to Postgres at boot: a few quick retries, not Nest's nine 3-second ones, so a wrong URL fails promptly. */
export const DATABASE_CONNECT_RETRY = { retryAttempts: 3, retryDelay: 1000 } as const;

/** Timeout of a service-to-service call (the registry's signing authorisation, trust anchors). */
export const INTERNAL_CALL_TIMEOUT_MS = 10_000;

/** Largest JSON body a service accepts by default (and the gateway forwards to the registry). */
export const JSON_BODY_LIMIT_BYTES = 1 * MIB;

/** Deepest nesting of a JSON body (no contract needs more than a few levels). */
export const JSON_MAX_DEPTH = 32;

/** Largest PDF the verifier accepts by default (KYSO_VERIFIER_MAX_UPLOAD_BYTES). */
export const DEFAULT_MAX_PDF_BYTES = 50 * MIB;

/**
 * Largest PDF signed by default (KYSO_SIGNER_MAX_PDF_BYTES, KYSO_GATEWAY_SIGN_MAX_BYTES): issue 12.6
 * asks for 100 MB, which the signer takes on disk, not in memory several times over.
 */
export const DEFAULT_MAX_SIGN_PDF_BYTES = 100 * MIB;
