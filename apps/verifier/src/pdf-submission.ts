import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, Caller } from '@kyso/common';
import { DEFAULT_WAIT_SECONDS } from '@kyso/contracts';
import { callbackUrlOf, checkFormFields, fileNameOf, validatePdfQueryOf } from './http-input';
import { resultJson } from './report-json';
import { answerable } from './unfinished-validation';
import { discardUpload, PdfUploads } from './upload-storage';
import { ValidationResult, ValidationService } from './validation.service';

const PUBLIC_PREFIX = '/api/v1';

export interface PdfSubmissionDeps {
  validations: ValidationService;
  uploads: PdfUploads;
}

/**
 * `POST /validations/pdf` from its request (form), query (as Express parsed it) and caller to its
 * result: the one implementation behind the controller and the lean path (lean-validations.ts).
 */
export async function submitPdf(
  d: PdfSubmissionDeps,
  req: IncomingMessage,
  rawQuery: Record<string, unknown>,
  caller: Caller,
): Promise<ValidationResult> {
  const { file, fields } = await d.uploads.read(req);
  try {
    const query = validatePdfQueryOf(rawQuery);
    checkFormFields(fields);
    if (!file) throw badRequest('MISSING_FIELD', 'The multipart field "file" is required.', { field: 'file' });
    return answerable(
      await d.validations.submit(
        file,
        query.wait ?? DEFAULT_WAIT_SECONDS,
        caller,
        fileNameOf(file) ?? undefined,
        callbackUrlOf(query, fields),
      ),
    );
  } finally {
    // In Postgres by then, or refused.
    await discardUpload(file);
  }
}

/** The answer to a submission: 200 when done, 202 with its Location while pending; the JSON written once, as it is. */
export function sendSubmitted(res: ServerResponse, result: ValidationResult): void {
  res.statusCode = result.status === 'pending' ? 202 : 200;
  if (result.status === 'pending') res.setHeader('Location', `${PUBLIC_PREFIX}/validations/${result.id}`);
  // No ETag to compute for the answer to a POST.
  const body = resultJson(result);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
