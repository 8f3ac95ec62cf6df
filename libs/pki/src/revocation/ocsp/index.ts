export * from './request';
export * from './response';
export * from './verify';
export * from './checker';
