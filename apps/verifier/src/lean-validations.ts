import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerIn, checkInternalCredential, declaredMultipart, FirstHandler, ServiceHttp } from '@kyso/common';
import { isPlainPdfQuery } from './http-input';
import { PdfSubmissionDeps, sendSubmitted, submitPdf } from './pdf-submission';
import type { TrustStoreReady } from './trust-store/trust-store.providers';

export interface LeanValidationDeps extends PdfSubmissionDeps {
  http: ServiceHttp;
  /** The credential createService's guard requires (none: no guard). */
  internalToken?: string;
  /** The route's own guard. */
  ready: TrustStoreReady;
}

const PATH = '/validations/pdf';
/**
 * The exact path, and a query string parseurl splits at its first `?` without falling back to
 * url.parse (no `#`, no white space): the string Express's query parser gets.
 */
const URL_FORM = /^\/validations\/pdf(?:\?([^#\s\u00a0\ufeff]*))?$/;

/**
 * `POST /validations/pdf` served without Express and Nest (issue 16.3: their router, middleware,
 * guards and interceptor chain were ~5 % of the verifier API's main thread per validation), as the
 * gateway serves its uploads (lean-uploads.ts). Only the plain case is taken: the exact path, a
 * query validatePdfQueryOf reads without the contract, a multipart body of declared length.
 * Everything else (other spellings of the path, a query for the contract to check, chunked or
 * non-multipart bodies) goes to Express as before. What is taken gets the same steps in the same
 * order from the same code: request id, security headers, access log and metrics (ServiceHttp),
 * the internal credential (the global guard), TrustStoreReady (the route's guard), the caller
 * header (CallerParam), then submitPdf and sendSubmitted as the controller calls them, and
 * problem+json answers through the problem filter.
 */
export function leanValidations(d: LeanValidationDeps): FirstHandler {
  return (req, res) => {
    if (req.method !== 'POST' || !declaredMultipart(req)) return false;
    const url = URL_FORM.exec(req.url ?? '');
    if (!url) return false;
    const query = d.http.query(url[1] ?? null);
    if (!isPlainPdfQuery(query)) return false;
    return d.http.take(req, res, PATH, PATH, () => serve(d, req, res, query));
  };
}

async function serve(
  d: LeanValidationDeps,
  req: IncomingMessage,
  res: ServerResponse,
  query: Record<string, unknown>,
): Promise<void> {
  checkInternalCredential(req, d.internalToken);
  await d.ready.canActivate();
  const caller = callerIn(req);
  sendSubmitted(res, await submitPdf(d, req, query, caller));
}
