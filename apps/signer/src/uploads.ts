import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { readFile, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Observable } from 'rxjs';

/** The upload's bytes: kept in memory when small, else read once from its file (upload-storage.ts). */
export function uploadBytes(file: Express.Multer.File): Promise<Buffer> {
  return file.buffer ? Promise.resolve(file.buffer) : readFile(file.path);
}

/**
 * Big uploads wait on disk (upload-storage.ts), not in memory: a 100 MB PDF would otherwise be held
 * as chunks, then as one buffer, then as the signed copy; now it is read once. The file is removed once the response is
 * over, however it ends (signed, refused, failed, client gone); multer removes partial files itself.
 * Must be listed before the FileInterceptor, so that it runs around it.
 */
@Injectable()
export class RemoveUploadAfterResponse implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    http.getResponse<Response>().once('close', () => {
      // unlink, not rm: rm walks the path (lstat, rimraf) for a single file.
      if (req.file?.path) void unlink(req.file.path).catch(() => undefined);
    });
    return next.handle();
  }
}

/**
 * The signed PDF as the input (already read once, for signing) followed by the appended update:
 * two writes to the socket, neither a concatenated copy nor a second read of the file.
 */
export function inputThenUpdate(input: Buffer, update: Uint8Array): Readable {
  return Readable.from([input, Buffer.from(update.buffer, update.byteOffset, update.byteLength)], {
    objectMode: false,
  });
}
