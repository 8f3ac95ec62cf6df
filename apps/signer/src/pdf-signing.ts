import { randomUUID, type Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableFile } from '@nestjs/common';
import { badRequest, Caller, REQUEST_ID_HEADER } from '@kyso/common';
import {
  SIGNATURE_ID_HEADER,
  SIGNATURE_LEVEL_HEADER,
  SIGNING_SESSION_HEADER,
  SIGNING_SESSION_REMAINING_HEADER,
  TIMESTAMP_TIME_HEADER,
} from '@kyso/contracts';
import { Admission, SignerBusy } from './admission';
import { parseSignPdfFields } from './signing-input';
import { refusalProblem, tokenProblem, withRetryAfter } from './signing-problems';
import { SigningService } from './signing.service';
import { inputThenUpdate, ReceivedUpload, withUploadBytes } from './uploads';

export interface PdfSigningDeps {
  signing: SigningService;
  admission: Admission;
}

/** The PDF of the form, as received: hashed while it arrived. */
export type SignedUpload = ReceivedUpload & { sha256?: Hash };

/**
 * `POST /signatures/pdf` from its upload, text fields and caller to the signed file: the one
 * implementation behind the controller and the lean path (lean-signatures.ts). The answer's headers
 * go on `res` (Retry-After with SIGNER_BUSY and with refusals that name one).
 */
export async function signUploadedPdf(
  d: PdfSigningDeps,
  file: SignedUpload | undefined,
  body: Record<string, unknown> | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
): Promise<StreamableFile> {
  if (!file) throw badRequest('MISSING_FIELD', 'The form field "file" (the PDF) is required', { field: 'file' });
  const fields = parseSignPdfFields(body);
  const requestId = (req.headers[REQUEST_ID_HEADER] as string | undefined) || randomUUID();
  // One copy in memory, lent for the signing only, to read the structure (hashed as it was
  // uploaded): received into it, or read from the upload's file; the answer is sent from the
  // same memory or streams from the file, then the update.
  const pdfSha256 = file.sha256;
  const result = await withUploadBytes(file, (pdf) =>
    d.admission.run(() => d.signing.signPdf({ pdf, pdfSha256, ...fields, requestId, caller })),
  ).catch((e) => {
    if (e instanceof SignerBusy) res.setHeader('retry-after', String(e.retryAfterSeconds));
    return Promise.reject(tokenProblem(e));
  });
  if (result.outcome === 'refused') throw withRetryAfter(res, refusalProblem(result.refusal));
  res.setHeader(SIGNATURE_ID_HEADER, result.signatureId);
  res.setHeader(SIGNATURE_LEVEL_HEADER, result.level);
  if (result.timestampTime) res.setHeader(TIMESTAMP_TIME_HEADER, result.timestampTime.toISOString());
  if (result.signingSession) {
    if (result.signingSession.token) res.setHeader(SIGNING_SESSION_HEADER, result.signingSession.token);
    res.setHeader(SIGNING_SESSION_REMAINING_HEADER, String(result.signingSession.remainingUses));
    // A session token is a credential: no cache keeps it.
    res.setHeader('cache-control', 'no-store');
  }
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return new StreamableFile(inputThenUpdate(file, result.update), {
    type: 'application/pdf',
    length: file.size + result.update.length,
    disposition: 'attachment; filename="signed.pdf"',
  });
}

/**
 * A 200 answer with `file`, as Nest's Express adapter sends a StreamableFile: its type, disposition
 * and length unless set, the stream destroyed if the response closes first, and a stream failure
 * handled by the file's own handler (400 before the headers are out, the response cut after).
 */
export function sendStreamable(res: ServerResponse, file: StreamableFile): void {
  res.statusCode = 200;
  const { type, disposition, length } = file.getHeaders();
  const put = (name: string, value: string | string[] | number | undefined) => {
    if (value !== undefined && res.getHeader(name) === undefined)
      res.setHeader(name, Array.isArray(value) ? value.join(',') : value);
  };
  put('Content-Type', type);
  put('Content-Disposition', disposition);
  put('Content-Length', length);
  const stream = file.getStream();
  stream.once('error', (e) => {
    if (res.headersSent) {
      file.errorLogger(e);
      return void res.destroy();
    }
    // What the file's handler does, with Express's res.send('Bad Request') spelled out.
    file.errorLogger(e);
    res.statusCode = 400;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', 11);
    res.end('Bad Request');
  });
  res.once('close', () => {
    if (!stream.readableEnded) stream.destroy();
  });
  stream.pipe(res);
}
