export * from './crl';
export * from './crl-scope';
export * from './crl-checker';
