import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { open, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Observable } from 'rxjs';

/** Reads of a spilled upload: few and large (readFile's 512 KiB reads are 200 thread-pool trips for 100 MB). */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;

/** The upload's bytes: kept in memory when small, else read once from its file (upload-storage.ts). */
export async function uploadBytes(file: Express.Multer.File): Promise<Buffer> {
  if (file.buffer) return file.buffer;
  const handle = await open(file.path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafeSlow(size);
    for (let at = 0; at < size;) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(READ_CHUNK_BYTES, size - at), at);
      if (bytesRead === 0) throw new Error(`upload ${file.path} ended at ${at} of ${size} bytes`);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
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
