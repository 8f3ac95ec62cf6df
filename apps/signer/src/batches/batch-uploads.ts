import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { runMulter } from '@nestjs/platform-express/multer/multer/multer.utils';
import type { Request, RequestHandler, Response } from 'express';
import multer, { diskStorage, MulterError } from 'multer';
import { rm } from 'node:fs/promises';
import type { Observable } from 'rxjs';
import { batchTooManyFiles, type BatchConfig } from './batch-config';

export const BATCH_UPLOAD_LIMITS = Symbol('BATCH_UPLOAD_LIMITS');

export interface BatchUploadLimits {
  uploadDir: string;
  maxPdfBytes: number;
  batches: BatchConfig;
}

/** More documents than a batch holds: the batch's own refusal (422), not multer's 400. */
function countRefusal(e: unknown, maxFiles: number): unknown {
  const tooMany =
    e instanceof MulterError &&
    (e.code === 'LIMIT_FILE_COUNT' || (e.code === 'LIMIT_UNEXPECTED_FILE' && e.field === 'files'));
  return tooMany ? batchTooManyFiles(maxFiles) : e;
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
    // multer's other errors as on the signer's other upload routes (FileInterceptor): Nest's mapping, then
    // the ProblemFilter (413 PAYLOAD_TOO_LARGE, 400 BAD_REQUEST).
    const maxFiles = this.limits.batches.maxFiles;
    await runMulter((rq, rs, done) => this.upload(rq, rs, (e) => done(e && countRefusal(e, maxFiles))), req, res);
    return next.handle();
  }
}
