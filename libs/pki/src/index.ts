export * from './indication';
export * from './signer';
export * from './report';
export * from './errors';
export * from './engine';
export * from './x509/der';
export * from './x509/name';
export * from './x509/certificate';
