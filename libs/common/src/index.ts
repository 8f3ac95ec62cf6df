export * from './problem';
export * from './problem.filter';
export * from './config';
export * from './internal-auth';
export * from './internal-client';
export * from './bootstrap';
export * from './database';
export * from './caller';
