import { EXTEND_PDF_PATH, SIGN_CMS_PATH, SIGN_PDF_PATH, VALIDATE_PDF_PATH } from '@kyso/contracts';
import type { BodyRoute } from './config';
import { PUBLIC_PREFIX, ProxyCall } from './proxy';
import type { Upstreams } from './upstreams';

/** A multipart upload route: its public path, the service and path it goes to, its body limit. */
export interface UploadRoute {
  path: string;
  upstream: 'signer' | 'verifier';
  servicePath: string;
  body: BodyRoute;
}

/**
 * The upload routes to sign and validate, in one place: their controllers forward by this table
 * and the lean upload path (lean-uploads.ts) serves by it, so the two cannot drift apart.
 */
export const UPLOAD_ROUTES = {
  validatePdf: {
    path: `${PUBLIC_PREFIX}/validations/pdf`,
    upstream: 'verifier',
    servicePath: VALIDATE_PDF_PATH,
    body: 'validationsPdf',
  },
  validateCms: {
    path: `${PUBLIC_PREFIX}/validations/cms`,
    upstream: 'verifier',
    servicePath: '/validations/cms',
    body: 'validationsPdf',
  },
  signPdf: {
    path: `${PUBLIC_PREFIX}/signatures/pdf`,
    upstream: 'signer',
    servicePath: SIGN_PDF_PATH,
    body: 'signaturesPdf',
  },
  extendPdf: {
    path: `${PUBLIC_PREFIX}/signatures/pdf/extend`,
    upstream: 'signer',
    servicePath: EXTEND_PDF_PATH,
    body: 'signaturesPdf',
  },
  signCms: {
    path: `${PUBLIC_PREFIX}/signatures/cms`,
    upstream: 'signer',
    servicePath: SIGN_CMS_PATH,
    body: 'signaturesPdf',
  },
} as const satisfies Record<string, UploadRoute>;

/** The forward of an upload (the caller aside); `query` is the checked query string, if any. */
export function uploadCall(up: Upstreams, route: UploadRoute, query = ''): Omit<ProxyCall, 'caller'> {
  return {
    client: up[route.upstream],
    method: 'POST',
    path: route.servicePath + query,
    maxBodyBytes: up.bodyLimits[route.body],
    timeoutMs: up.timeoutMs,
  };
}

/** The upload route at a public path (an access rule's), if it is one. */
export const uploadRouteAt = (path: string): UploadRoute | undefined =>
  Object.values(UPLOAD_ROUTES).find((r) => r.path === path);
