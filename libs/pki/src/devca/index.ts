export * from './dev-ca';
export * from './software-key';
