import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callerIn,
  checkInternalCredential,
  declaredMultipart,
  FirstHandler,
  REQUEST_ID_HEADER,
  ServiceHttp,
  SingleFileForm,
} from '@kyso/common';
import { PdfSigningDeps, sendStreamable, signUploadedPdf } from './pdf-signing';
import { precheckPin } from './pin-precheck';
import { RegistryClient } from './registry-client';
import { readSignForm, SignFormOptions } from './sign-form';
import { lendSpareUpload, removeUploadAfter } from './uploads';

export interface LeanSignatureDeps extends PdfSigningDeps {
  http: ServiceHttp;
  /** The credential createService's guard requires (none: no guard). */
  internalToken?: string;
  registry: RegistryClient;
  form: SignFormOptions;
}

const PATH = '/signatures/pdf';

/**
 * `POST /signatures/pdf` served without Express, Nest and multer (issues 12.5 and 12.6: their
 * router, interceptors and busboy's byte-by-byte boundary search), as the verifier serves
 * `POST /validations/pdf` (lean-validations.ts). Only the plain case is taken: that exact path
 * with no query, a multipart body of declared length; everything else (other spellings, a query,
 * chunked or other bodies) goes to Express as before. What is taken gets the same steps in the same
 * order from the same code: request id, security headers, access log and metrics (ServiceHttp),
 * the internal credential (the global guard), then what the route's interceptors do (the upload's
 * file removed once answered, the spare buffer lent, the PIN pre-check while a big file arrives,
 * the form read with multer's limits and refusals), the caller header (CallerParam), then
 * signUploadedPdf as the controller calls it, the file sent as Nest sends a StreamableFile, and
 * problem+json answers through the problem filter.
 */
export function leanSignatures(d: LeanSignatureDeps): FirstHandler {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH || !declaredMultipart(req)) return false;
    return d.http.take(req, res, PATH, PATH, () => serve(d, req, res));
  };
}

async function serve(d: LeanSignatureDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkInternalCredential(req, d.internalToken);
  let form: SingleFileForm | undefined;
  removeUploadAfter(res, () => form?.file);
  const handled = lendSpareUpload(req, res);
  try {
    form = await readSignForm(req, d.form, (fields) =>
      precheckPin(d.registry, fields, req.headers[REQUEST_ID_HEADER] as string | undefined),
    );
    sendStreamable(res, await signUploadedPdf(d, form?.file, form?.fields, req, res, callerIn(req)));
  } finally {
    handled();
  }
}
