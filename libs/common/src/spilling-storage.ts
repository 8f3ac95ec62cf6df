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
 * multer storage that keeps a small upload (up to `inMemoryBytes`) in memory (`file.buffer`) and
 * writes a bigger one to a private file of its own in `dir` (`file.path`, `dir` created 0700 if
 * missing) as it arrives, with back-pressure: a 100 MB PDF is never held as chunks. Whoever took
 * the upload removes the file (multer's `_removeFile`, or the service once it answered).
 */
export class SpillingStorage implements StorageEngine {
  constructor(
    private readonly dir: string,
    private readonly inMemoryBytes: number,
  ) {}

  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Stored) => void): void {
    receiveSpilling(file.stream, this.dir, this.inMemoryBytes, (error, received) =>
      error || !received
        ? cb(error)
        : cb(
            undefined,
            received.path
              ? { ...received, destination: this.dir, filename: received.path.slice(this.dir.length + 1) }
              : received,
          ),
    );
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

/** What `receiveSpilling` leaves: the bytes (small) or the file holding them (big), and their digest. */
export interface SpilledBytes {
  buffer?: Buffer;
  path?: string;
  size: number;
  /** Fed every byte as it arrived. */
  sha256: Hash;
}

/**
 * Receives a stream as SpillingStorage stores a file: in memory up to `inMemoryBytes`, else in a
 * private file of its own in `dir` (created 0700 if missing) written as the bytes arrive, with
 * back-pressure; hashed on the way. On failure the file is removed and the stream drained.
 * `limit` (optional) is checked on every chunk: what it throws fails the receipt.
 */
export function receiveSpilling(
  stream: Readable,
  dir: string,
  inMemoryBytes: number,
  cb: (error?: unknown, received?: SpilledBytes) => void,
  limit?: (size: number) => void,
): void {
  let chunks: Buffer[] = [];
  let size = 0;
  // Hashed while the bytes arrive (overlapping the network), not after the upload.
  const sha256 = createHash('sha256');
  let disk: WriteStream | undefined;
  let path: string | undefined;
  let done = false;
  const finish = (error?: unknown, info?: SpilledBytes) => {
    if (done) return;
    done = true;
    if (error) {
      chunks = [];
      stream.resume();
      // Removed once closed: a file still being opened would otherwise be created after the unlink.
      if (disk) disk.once('close', () => void unlink(path!).catch(() => undefined)).destroy();
    }
    cb(error, info);
  };
  stream.on('error', finish);
  stream.on('data', (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    try {
      limit?.(size);
    } catch (e) {
      return finish(e);
    }
    sha256.update(chunk);
    if (!disk) {
      chunks.push(chunk);
      if (size <= inMemoryBytes) return;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      path = join(dir, randomUUID());
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
    if (done) return;
    if (!disk) return finish(undefined, { buffer: Buffer.concat(chunks, size), size, sha256 });
    disk.end(() => finish(undefined, { path, size, sha256 }));
  });
}
