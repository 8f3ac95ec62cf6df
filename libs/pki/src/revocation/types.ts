import type { Certificate } from '../x509/certificate';

/**
 * Revocation: the seam between path validation (which asks "was this certificate revoked as of
 * time T?") and the sources that answer (CRLs, OCSP). Fetching is injected: services fetch through
 * BullMQ workers and caches, tests and the CLI pass what they have.
 */
export type RevocationSource = 'crl' | 'ocsp';

/** RFC 5280 5.3.1 reason codes by name. */
export type CrlReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

export interface RevocationStatus {
  /** `unknown` is never good: callers treat it as INDETERMINATE (TRY_LATER when fetching may help). */
  status: 'good' | 'revoked' | 'unknown';
  source: RevocationSource | null;
  /** When revoked: the time and reason the source gives. */
  revocationTime?: Date;
  reason?: CrlReason;
  /** Freshness of the evidence used. */
  thisUpdate?: Date;
  nextUpdate?: Date;
  producedAt?: Date;
  /** When the evidence was fetched (or read from a cache), if it was fetched at all. */
  fetchedAt?: Date;
  /** Stable codes explaining an `unknown` (e.g. CRL_NOT_FOUND, CRL_SIGNATURE_INVALID, OCSP_RESPONDER_UNAUTHORISED). */
  problems: string[];
  /** DER of the evidence actually used (CRL or OCSP response), to keep with the report. */
  evidence?: Uint8Array;
}

export interface RevocationQuery {
  certificate: Certificate;
  issuer: Certificate;
  /** Status is decided as of this time (e.g. the signing time): revoked after it means good then. */
  time: Date;
  /** The rest of the validated path, leaf first, for CRL-issuer and delegated-responder checks. */
  path: Certificate[];
}

/** Decides one certificate's status from whatever evidence it can reach. */
export interface RevocationChecker {
  check(query: RevocationQuery): Promise<RevocationStatus>;
}

/** The network, injected. Implementations enforce their own size and time budgets. */
export interface RevocationFetcher {
  fetchCrl(url: string): Promise<Uint8Array>;
  /** POSTs a DER OCSPRequest (application/ocsp-request), resolves with the DER OCSPResponse. */
  fetchOcsp(url: string, request: Uint8Array): Promise<Uint8Array>;
  /** AIA caIssuers: a certificate (DER or PEM) or a PKCS#7 bundle. */
  fetchCertificates?(url: string): Promise<Uint8Array>;
}

/**
 * A fetcher's failure may name its cause with a stable code in a `problem` property (e.g.
 * FETCH_ADDRESS_REFUSED when a URL points into a private network): the checkers add it to the
 * problems of the `unknown` status, so the report says why the evidence could not be had.
 */
/**
 * When evidence issued at `thisUpdate` says a certificate was revoked at `stated`: its issuer cannot
 * know of a later revocation, so listed means revoked by thisUpdate (CRL entries and OCSP answers).
 */
export function revokedAsOf(stated: Date, thisUpdate: Date): Date {
  return stated > thisUpdate ? thisUpdate : stated;
}

export function fetchFailureProblem(e: unknown): string | undefined {
  const p = (e as { problem?: unknown } | null | undefined)?.problem;
  return typeof p === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(p) ? p : undefined;
}

export const unknownStatus = (...problems: string[]): RevocationStatus => ({
  status: 'unknown',
  source: null,
  problems,
});
