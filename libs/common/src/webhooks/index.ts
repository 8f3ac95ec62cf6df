export * from './events';
export * from './signature';
export * from './settings';
export * from './callback-url';
export * from './outbox';
