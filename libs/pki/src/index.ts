export * from './indication';
export * from './signer';
export * from './report';
