export * from './content';
export * from './oids';
export * from './sign-cms';
export * from './verify-cms';
