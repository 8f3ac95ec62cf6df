import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { badRequest, ProblemError } from '@kyso/common';
import type { Request, RequestHandler, Response } from 'express';
import multer, { diskStorage, MulterError } from 'multer';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream';
import type { Observable } from 'rxjs';
import { batchTooManyFiles, type BatchConfig } from './batch-config';

export const BATCH_UPLOAD_LIMITS = Symbol('BATCH_UPLOAD_LIMITS');

export interface BatchUploadLimits {
  uploadDir: string;
  maxPdfBytes: number;
  batches: BatchConfig;
}

/** multer's refusals of the form itself (400); its STREAM_DESTROYED is the storage's, not the request's. */
const FORM_REFUSALS: ReadonlySet<string> = new Set([
  'LIMIT_PART_COUNT',
  'LIMIT_FIELD_KEY',
  'LIMIT_FIELD_VALUE',
  'LIMIT_FIELD_COUNT',
  'LIMIT_UNEXPECTED_FILE',
  'MISSING_FIELD_NAME',
  'LIMIT_FIELD_NESTING',
  'LIMIT_FIELD_ARRAY_INDEX',
  'INVALID_FIELD_NAME',
]);
/** busboy's errors on a malformed body, by message (it gives them no code). */
const MALFORMED_BODY = ['Malformed part header', 'Unexpected end of form', 'Unexpected end of file'];

/**
 * What the form's refusal is answered with: more documents than a batch holds as the batch's own
 * 422; multer's and busboy's other refusals as the signer's other upload routes answer them (Nest's
 * FileInterceptor mapping: 413 "File too large", else 400 with multer's message and field); any
 * other error (a disk failure, a request that failed) as it is.
 */
export function formRefusal(e: unknown, maxFiles: number): unknown {
  if (e instanceof MulterError) {
    if (e.code === 'LIMIT_FILE_COUNT' || (e.code === 'LIMIT_UNEXPECTED_FILE' && e.field === 'files'))
      return batchTooManyFiles(maxFiles);
    if (e.code === 'LIMIT_FILE_SIZE') return new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', e.message);
    if (FORM_REFUSALS.has(e.code)) return badRequest('BAD_REQUEST', e.field ? `${e.message} - ${e.field}` : e.message);
    return e;
  }
  if (!(e instanceof Error) || 'status' in e) return e;
  if (e.message === 'Multipart: Boundary not found') return badRequest('BAD_REQUEST', e.message);
  if (MALFORMED_BODY.includes(e.message)) return badRequest('BAD_REQUEST', `Multipart: ${e.message}`);
  return e;
}

/**
 * The batch form's documents (`files`, repeated) to disk, at most KYSO_SIGNER_BATCH_MAX_FILES of
 * them. What the batch did not adopt (a refusal, a failure) is removed once the response is over.
 */
@Injectable()
export class BatchUploads implements NestInterceptor {
  private readonly upload: RequestHandler;

  constructor(@Inject(BATCH_UPLOAD_LIMITS) private readonly limits: BatchUploadLimits) {
    const maxFiles = limits.batches.maxFiles;
    this.upload = multer({
      storage: diskStorage({ destination: limits.uploadDir }),
      // File names as clients send them (UTF-8: "Công văn 12.pdf"), not read as Latin-1.
      defParamCharset: 'utf8',
      limits: { fileSize: limits.maxPdfBytes, files: maxFiles, fields: 30, fieldSize: 64 * 1024 },
    }).array('files', maxFiles);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    res.once('close', () => {
      for (const f of (req.files as Express.Multer.File[] | undefined) ?? [])
        void rm(f.path, { force: true }).catch(() => undefined);
    });
    await this.receive(req, res);
    return next.handle();
  }

  /** Runs multer over the request; a response sent while it still arrives (an earlier refusal) stops it. */
  private async receive(req: Request, res: Response): Promise<void> {
    let receiving = true;
    const stopWatching = finished(res, () => receiving && !req.complete && req.destroy());
    try {
      await new Promise<void>((ok, fail) =>
        this.upload(req, res, (e?: unknown) => (e ? fail(formRefusal(e, this.limits.batches.maxFiles)) : ok())),
      );
    } finally {
      receiving = false;
      stopWatching();
    }
  }
}
