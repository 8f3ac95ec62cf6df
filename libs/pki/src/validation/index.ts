export * from './reasons';
export * from './checks';
export * from './path-builder';
export * from './validate-path';
