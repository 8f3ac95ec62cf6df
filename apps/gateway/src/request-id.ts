/** Request ids are shared plumbing now (libs/common); kept for existing imports. */
export { requestIdMiddleware, requestIdOf } from '@kyso/common';
