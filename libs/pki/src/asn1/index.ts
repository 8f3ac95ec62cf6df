export * from './der';
export * from './der-write';
export * from './der-fields';
export * from './ber';
export * from './pem';
