export * from './dev-ca';
export * from './software-key';
export * from './crl';
export * from './faults';
export * from './name-constraints';
export * from './ocsp-responder';
export * from './scenarios';
export * from './tsa';
