import { resolve } from 'node:path';

/**
 * Conformance vectors copied into the repository, so a fresh clone tests itself.
 * pkits/: NIST PKITS 1.0.1 (public domain, from NIST's Computer Security Resource Center PKI
 * testing page); see pkits/README.md for what it holds and how the expected results are read.
 */
export const PKITS_DIR = resolve(__dirname, 'pkits');
export const PKITS_CERTS = resolve(PKITS_DIR, 'certs');
export const PKITS_CRLS = resolve(PKITS_DIR, 'crls');
