export * from './key-store';
export * from './errors';
export * from './uri';
export * from './der';
export * from './memory-key-store';
export * from './pkcs11/pkcs11-key-store';
export { assertOsLockingFlag } from './pkcs11/module';
