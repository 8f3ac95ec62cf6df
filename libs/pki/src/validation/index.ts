export * from './reasons';
export * from './checks';
export * from './path-builder';
export * from './validate-path';
export * from './algorithm-policy';
export * from './policy-tree';
export * from './name-constraints';
export * from './revocation-judgement';
