/**
 * Every budget of the PKI core, defined once (style.md point 7: budgets are named constants).
 * Services and tools that download, store or read these objects use the same numbers, so an
 * object one part accepts is never refused by another for its size.
 */

const KIB = 1024;
const MIB = 1024 * KIB;

/** Maximum size of one certificate or other DER object we accept to parse (CRLs have their own). */
export const MAX_DER_BYTES = 4 * MIB;

/** A national CA's full CRL can run to tens of MB; larger than this is not a CRL we will download or parse. */
export const MAX_CRL_BYTES = 32 * MIB;
/** Revoked entries parsed from one CRL. */
export const MAX_CRL_ENTRIES = 1_000_000;
/** CRL downloads per check (nested CRL-issuer checks included). */
export const MAX_CRL_FETCHES = 4;
/** Nesting of CRL-issuer path validations. */
export const MAX_CRL_ISSUER_DEPTH = 4;

/** An OCSP request larger than this is refused unread. */
export const MAX_OCSP_REQUEST_BYTES = 64 * KIB;
/** An OCSP response larger than this is refused unread (downloads stop here too). */
export const MAX_OCSP_RESPONSE_BYTES = 1 * MIB;
/** OCSP URLs tried per certificate (a certificate may list several). */
export const MAX_OCSP_URLS = 2;

/**
 * An AIA caIssuers download (one certificate, or a certs-only PKCS#7 of at most
 * MAX_CERTIFICATES_PER_FETCH of them): an issuer bundle larger than this is refused unread.
 */
export const MAX_CA_ISSUERS_BYTES = 128 * KIB;

/** Certificates in one path, leaf and anchor included. */
export const MAX_PATH_DEPTH = 10;
/** Candidate paths returned by the path builder. */
export const MAX_CANDIDATE_PATHS = 16;
/** Issuer candidates examined while building paths. */
export const MAX_BUILD_STEPS = 2000;
/** Signature checks over all candidate paths (cf. Go maxChainSignatureChecks). */
export const MAX_SIGNATURE_CHECKS = 64;

/** Time-stamp requests and responses larger than this are refused unread. */
export const MAX_TSP_REQUEST_BYTES = 16 * KIB;
export const MAX_TSP_RESPONSE_BYTES = 256 * KIB;

/** Room in a PDF signature for a CMS with a long chain and embedded revocation data, not for abuse. */
export const MAX_CONTENTS_SIZE = 4 * MIB;

/** Bytes the CLI reads from one certificate file (a PEM bundle of many certificates). */
export const MAX_PKI_FILE_BYTES = 16 * MIB;
/** Bytes the CLI reads from one CRL file: the largest CRL, PEM-armoured (base64 adds a third). */
export const MAX_CRL_FILE_BYTES = 2 * MAX_CRL_BYTES;
/** Bytes the CLI reads from one PDF. */
export const MAX_PDF_FILE_BYTES = 256 * MIB;
