/**
 * The registry's dev CA (binary, RFC 5280 / RFC 6960), served to the gateway's public proxy
 * (`/api/v1/pki/dev-ca/...`) and to relying parties. No JSON here: the contract is paths, media
 * types and the request budget.
 */
export const DEV_CA_PATHS = {
  crl: '/dev-ca/crl',
  rootCrl: '/dev-ca/root.crl',
  ocsp: '/dev-ca/ocsp',
  tsa: '/dev-ca/tsa',
} as const;

export const CRL_MEDIA_TYPE = 'application/pkix-crl';
export const OCSP_REQUEST_MEDIA_TYPE = 'application/ocsp-request';
export const OCSP_RESPONSE_MEDIA_TYPE = 'application/ocsp-response';
/** RFC 3161 section 3.4 (time-stamp protocol over HTTP). */
export const TIMESTAMP_QUERY_MEDIA_TYPE = 'application/timestamp-query';
export const TIMESTAMP_REPLY_MEDIA_TYPE = 'application/timestamp-reply';
