import { createHash, Hash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
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
export type UploadMemory = (req: IncomingMessage) => Buffer | undefined;

/**
 * Told once per file that it is big: at its start when the request declares more than
 * `inMemoryBytes`, else when it outgrows them. `req.body` holds the fields sent before the file.
 */
export type BigUploadStarts = (req: Request) => void;

/**
 * multer storage that keeps a small upload (up to `inMemoryBytes`) in memory (`file.buffer`) and
 * writes a bigger one to a private file of its own in `dir` (`file.path`, `dir` created 0700 if
 * missing) as it arrives, with back-pressure: a 100 MB PDF is never held as chunks. Whoever took
 * the upload removes the file (multer's `_removeFile`, or the service once it answered).
 * With `memory`, an upload that outgrows `inMemoryBytes` is copied into the buffer it lends, if
 * any, as it arrives (`file.buffer` a view of it); it spills only if the buffer proves too small.
 * With `bigUpload`, work that a big file would otherwise wait for can start while it arrives.
 */
export class SpillingStorage implements StorageEngine {
  constructor(
    private readonly dir: string,
    private readonly inMemoryBytes: number,
    private readonly memory?: UploadMemory,
    private readonly bigUpload?: BigUploadStarts,
  ) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Stored) => void): void {
    const { memory, bigUpload } = this;
    let told = false;
    const big = () => {
      if (told) return;
      told = true;
      bigUpload?.(req);
    };
    if (bigUpload && Number(req.headers['content-length']) > this.inMemoryBytes) big();
    receiveSpilling(
      file.stream,
      this.dir,
      this.inMemoryBytes,
      (error, received) =>
        error || !received
          ? cb(error)
          : cb(
              undefined,
              received.path
                ? { ...received, destination: this.dir, filename: received.path.slice(this.dir.length + 1) }
                : received,
            ),
      undefined,
      (memory || bigUpload) &&
        (() => {
          big();
          return memory?.(req);
        }),
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
  /**
   * Fed every byte as it arrived; absent for bytes kept in memory when `hashInMemory` was false
   * (the caller hashes the buffer itself).
   */
  sha256?: Hash;
}

/**
 * Receives a stream as SpillingStorage stores a file: in memory up to `inMemoryBytes`, else in a
 * private file of its own in `dir` (created 0700 if missing) written as the bytes arrive, with
 * back-pressure; hashed on the way. On failure the file is removed and the stream drained.
 * `limit` (optional) is checked on every chunk: what it throws fails the receipt. `memory`
 * (optional) is asked once, when the upload outgrows `inMemoryBytes`, for a buffer to receive the
 * rest into instead of a file (small uploads never hold it); past its end the upload spills.
 * `hashInMemory` false: bytes that end in memory are not hashed (no `sha256`), for a caller that
 * hashes them along with other digests of the same bytes; a spilled upload is hashed as ever.
 */
export function receiveSpilling(
  stream: Readable,
  dir: string,
  inMemoryBytes: number,
  cb: (error?: unknown, received?: SpilledBytes) => void,
  limit?: (size: number) => void,
  memory?: () => Buffer | undefined,
  hashInMemory = true,
): void {
  let chunks: Buffer[] = [];
  let size = 0;
  let lent: Buffer | undefined;
  let asked = false;
  // Hashed while the bytes arrive (overlapping the network), not after the upload.
  const sha256 = createHash('sha256');
  /** Whether every byte so far went into `sha256` (else it is fed what was held once the upload spills). */
  let hashing = hashInMemory;
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
    if (hashing) sha256.update(chunk);
    if (lent) {
      if (size <= lent.length) return void chunk.copy(lent, size - chunk.length);
      // More than the lender expected: spilled like any big upload, what came so far first.
      chunks = [lent.subarray(0, size - chunk.length)];
      lent = undefined;
    }
    if (!disk) {
      chunks.push(chunk);
      if (size <= inMemoryBytes) return;
      if (!asked) {
        asked = true;
        lent = memory?.();
        if (lent && size <= lent.length) {
          let to = 0;
          for (const c of chunks) to += c.copy(lent, to);
          chunks = [];
          return;
        }
        lent = undefined;
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      path = join(dir, randomUUID());
      disk = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: SPILL_HIGH_WATER_MARK });
      disk.on('error', finish);
      const held = chunks;
      chunks = [];
      if (!hashing) {
        hashing = true;
        for (const c of held) sha256.update(c);
      }
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
    const digest = hashing ? sha256 : undefined;
    if (lent) return finish(undefined, { buffer: lent.subarray(0, size), size, sha256: digest });
    if (!disk) return finish(undefined, { buffer: Buffer.concat(chunks, size), size, sha256: digest });
    disk.end(() => finish(undefined, { path, size, sha256 }));
  });
}
