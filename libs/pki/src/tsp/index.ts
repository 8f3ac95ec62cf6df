export * from './request';
export * from './token';
export * from './verify';
export * from './client';
export * from './validate';
