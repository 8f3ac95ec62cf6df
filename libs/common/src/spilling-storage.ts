import { createHash, Hash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';

/** Large writes to the spill file: fewer system calls per megabyte. */
const SPILL_HIGH_WATER_MARK = 1024 * 1024;

/**
 * An upload as SpillingStorage leaves it: `sha256` has been fed every byte as it arrived, so a
 * service continues or finishes that state instead of reading the file a second time to hash it.
 */
export interface HashedUpload extends Express.Multer.File {
  sha256?: Hash;
}

type Stored = Partial<HashedUpload>;

/**
 * Memory a big upload may be received into instead of a file (no write and read back): a buffer
 * at least as large as any file the request can carry, or undefined to spill. Whoever lends it
 * takes it back once the request is over.
 */
export type UploadMemory = (req: Request) => Buffer | undefined;

/**
 * multer storage that keeps a small upload (up to `inMemoryBytes`) in memory (`file.buffer`) and
 * writes a bigger one to a private file of its own in `dir` (`file.path`, `dir` created 0700 if
 * missing) as it arrives, with back-pressure: a 100 MB PDF is never held as chunks. Whoever took
 * the upload removes the file (multer's `_removeFile`, or the service once it answered).
 * With `memory`, an upload that outgrows `inMemoryBytes` is copied into the buffer it lends, if
 * any, as it arrives (`file.buffer` a view of it); it spills only if the buffer proves too small.
 */
export class SpillingStorage implements StorageEngine {
  constructor(
    private readonly dir: string,
    private readonly inMemoryBytes: number,
    private readonly memory?: UploadMemory,
  ) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Stored) => void): void {
    const stream: Readable = file.stream;
    let chunks: Buffer[] = [];
    let size = 0;
    let lent: Buffer | undefined;
    let asked = false;
    // Hashed while the bytes arrive (overlapping the network), not after the upload.
    const sha256 = createHash('sha256');
    let disk: WriteStream | undefined;
    let path: string | undefined;
    let done = false;
    const finish = (error?: unknown, info?: Stored) => {
      if (done) return;
      done = true;
      if (error) {
        stream.resume();
        disk?.destroy();
        if (path) void unlink(path).catch(() => undefined);
      }
      cb(error, info);
    };
    stream.on('error', finish);
    stream.on('data', (chunk: Buffer) => {
      const at = size;
      size += chunk.length;
      sha256.update(chunk);
      if (lent) {
        if (size <= lent.length) return void chunk.copy(lent, at);
        // More than the lender expected: spilled like any big upload, what came so far first.
        chunks = [lent.subarray(0, at)];
        lent = undefined;
      }
      if (!disk) {
        chunks.push(chunk);
        if (size <= this.inMemoryBytes) return;
        if (!asked) {
          // Asked once, when the upload outgrows `inMemoryBytes`: small ones never hold the memory.
          asked = true;
          lent = this.memory?.(req);
          if (lent && size <= lent.length) {
            let to = 0;
            for (const c of chunks) to += c.copy(lent, to);
            chunks = [];
            return;
          }
          lent = undefined;
        }
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        path = join(this.dir, randomUUID());
        disk = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: SPILL_HIGH_WATER_MARK });
        disk.on('error', finish);
        const held = chunks;
        chunks = [];
        for (const c of held.slice(0, -1)) disk.write(c);
        chunk = held[held.length - 1];
      }
      if (!disk.write(chunk)) {
        stream.pause();
        disk.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => {
      if (lent) return finish(undefined, { buffer: lent.subarray(0, size), size, sha256 });
      if (!disk) return finish(undefined, { buffer: Buffer.concat(chunks, size), size, sha256 });
      disk.end(() =>
        finish(undefined, { path, size, sha256, destination: this.dir, filename: path!.slice(this.dir.length + 1) }),
      );
    });
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    (file as Stored).buffer = undefined;
    (file as Stored).sha256 = undefined;
    if (!file.path) return cb(null);
    unlink(file.path).then(
      () => cb(null),
      () => cb(null),
    );
  }
}
