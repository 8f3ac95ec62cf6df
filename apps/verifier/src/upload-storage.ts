import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';

/** An upload as the validation service takes it: in memory when small, in a private file when big. */
export interface Upload {
  /** The bytes, when the upload stayed under the in-memory bound. */
  buffer?: Buffer;
  /** The file holding it otherwise (removed by the controller once answered). */
  path?: string;
  size: number;
  /** SHA-256 (hex) of the bytes, computed while they arrived. */
  sha256: string;
}

/** Uploads up to this many bytes stay in memory: the fast path's documents, and more. */
export const IN_MEMORY_MAX_BYTES = 8 * 1024 * 1024;
export const defaultUploadDir = () => join(tmpdir(), 'kyso-verifier-uploads');

/**
 * Multer storage for the PDF to validate (issue 16.3): hashes while receiving; keeps a small upload
 * in memory and writes a big one to a private file as it arrives, so a 100 MB document is never
 * held whole by the API (the bytes go to Postgres from the file, in slices).
 */
export class SpillingStorage implements StorageEngine {
  constructor(
    private readonly dir: string = defaultUploadDir(),
    private readonly memoryMax: number = IN_MEMORY_MAX_BYTES,
  ) {}

  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Upload>) => void): void {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let out: WriteStream | undefined;
    let path: string | undefined;
    const fail = (e: unknown) => {
      out?.destroy();
      if (path) void rm(path, { force: true });
      cb(e);
    };
    file.stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (!out && size > this.memoryMax) {
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        path = join(this.dir, randomUUID());
        out = createWriteStream(path, { mode: 0o600 });
        out.on('error', fail);
        for (const c of chunks.splice(0)) out.write(c);
      }
      if (!out) chunks.push(chunk);
      else if (!out.write(chunk)) {
        file.stream.pause();
        out.once('drain', () => file.stream.resume());
      }
    });
    file.stream.on('error', fail);
    file.stream.on('end', () => {
      const sha256 = hash.digest('hex');
      if (!out) return cb(null, { buffer: Buffer.concat(chunks, size), size, sha256 });
      out.end(() => cb(null, { path, size, sha256 }));
    });
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    if (!file.path) return cb(null);
    rm(file.path, { force: true }).then(() => cb(null), cb);
  }
}

/** Runs `use` on a SpillingStorage upload, then removes a big upload's file (in Postgres by then, or refused). */
export async function withUpload<T>(file: Express.Multer.File, use: (upload: Upload) => Promise<T>): Promise<T> {
  const upload = file as Express.Multer.File & Upload;
  try {
    return await use(upload);
  } finally {
    if (upload.path) await rm(upload.path, { force: true });
  }
}
