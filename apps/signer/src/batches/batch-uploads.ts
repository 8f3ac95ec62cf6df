import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { badRequest, ProblemError, unprocessable } from '@kyso/common';
import type { Request, RequestHandler, Response } from 'express';
import multer, { diskStorage, MulterError } from 'multer';
import { rm } from 'node:fs/promises';
import type { Observable } from 'rxjs';
import type { BatchConfig } from './batch-config';

export const BATCH_UPLOAD_LIMITS = Symbol('BATCH_UPLOAD_LIMITS');

export interface BatchUploadLimits {
  uploadDir: string;
  maxPdfBytes: number;
  batches: BatchConfig;
}

function uploadProblem(e: unknown, maxFiles: number): unknown {
  if (!(e instanceof MulterError)) return e;
  switch (e.code) {
    case 'LIMIT_FILE_SIZE':
      return new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'A PDF exceeds the size limit');
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      if (e.field === 'files' || e.code === 'LIMIT_FILE_COUNT')
        return unprocessable('BATCH_TOO_MANY_FILES', `A batch holds at most ${maxFiles} documents`, {
          field: 'files',
          maxFiles,
        });
      return badRequest('UNEXPECTED_FIELD', `Unexpected file field "${String(e.field).slice(0, 40)}"`);
    default:
      return badRequest('INVALID_MULTIPART', e.message);
  }
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
    await new Promise<void>((resolve, reject) =>
      this.upload(req, res, (e: unknown) => (e ? reject(uploadProblem(e, this.limits.batches.maxFiles)) : resolve())),
    );
    return next.handle();
  }
}
