export * from './sign-pdf';
export * from './verify-pdf';
export * from './signer-summary';
export * from './timestamp-pdf';
export type { ExternalProofOfExistence } from './poe';
export * from './appearance';
