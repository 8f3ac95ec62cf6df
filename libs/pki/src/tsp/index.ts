export * from './request';
export * from './token';
export * from './verify';
