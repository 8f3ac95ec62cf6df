export * from './oids';
export * from './build';
export * from './parse';
export * from './verify';
