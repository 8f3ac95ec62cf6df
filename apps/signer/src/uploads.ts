import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Observable } from 'rxjs';

/**
 * Uploads wait on disk (multer disk storage), not in memory: a 100 MB PDF would otherwise be held
 * as chunks, then as one buffer, then as the signed copy. The file is removed once the response is
 * over, however it ends (signed, refused, failed, client gone); multer removes partial files itself.
 * Must be listed before the FileInterceptor, so that it runs around it.
 */
@Injectable()
export class RemoveUploadAfterResponse implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    http.getResponse<Response>().once('close', () => {
      if (req.file?.path) void rm(req.file.path, { force: true }).catch(() => undefined);
    });
    return next.handle();
  }
}

/** The uploaded file as it lies on disk, then the appended bytes: the signed PDF, never whole in memory. */
export function fileThenBytes(path: string, tail: Uint8Array): Readable {
  async function* parts() {
    yield* createReadStream(path);
    yield Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  }
  return Readable.from(parts(), { objectMode: false });
}
