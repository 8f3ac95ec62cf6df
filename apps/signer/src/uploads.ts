import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { UploadMemory } from '@kyso/common';
import type { Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finalize, type Observable } from 'rxjs';

/** Uploads up to this size stay in memory: a 100 KB PDF costs no file write, read and unlink. */
export const IN_MEMORY_UPLOAD_BYTES = 1024 * 1024;

/** Reads of a spilled upload: few and large (readFile's 512 KiB reads are 200 thread-pool trips for 100 MB). */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;

/** Chunks of a spilled upload sent back as the signed file's head: few socket writes, little held. */
const ANSWER_CHUNK_BYTES = 4 * 1024 * 1024;
/** A spare read buffer is dropped after this long unused: an idle signer holds no 100 MB. */
const SPARE_IDLE_MS = 30_000;
/** Big buffers are sized in whole MiB, so that uploads a few bytes apart share one. */
const SPARE_GRAIN_BYTES = 1024 * 1024;

/** An upload as multer's SpillingStorage or readSingleFileForm left it: its bytes in memory, or its file. */
export interface ReceivedUpload {
  buffer?: Buffer;
  path?: string;
  size: number;
}

/** The upload's bytes: kept in memory when small, else read once from its file (SpillingStorage, libs/common). */
export async function uploadBytes(file: ReceivedUpload): Promise<Buffer> {
  return file.buffer ?? readSpilled(file.path!, (size) => Buffer.allocUnsafeSlow(size));
}

/** A spilled upload read whole into `alloc(size)` (which may be larger: the upload is its start). */
async function readSpilled(path: string, alloc: (size: number) => Buffer): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = alloc(size).subarray(0, size);
    for (let at = 0; at < size;) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(READ_CHUNK_BYTES, size - at), at);
      if (bytesRead === 0) throw new Error(`upload ${path} ended at ${at} of ${size} bytes`);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * One read buffer kept for the next big upload. A 100 MB buffer is external memory the garbage
 * collector frees late: two uploads in a row would otherwise hold two (issue 12.6's peak RSS).
 */
let spare: { bytes: Buffer; timer: NodeJS.Timeout } | undefined;

function takeSpare(size: number): Buffer {
  const s = spare;
  if (!s || s.bytes.length < size)
    return Buffer.allocUnsafeSlow(Math.ceil(size / SPARE_GRAIN_BYTES) * SPARE_GRAIN_BYTES);
  clearTimeout(s.timer);
  spare = undefined;
  return s.bytes;
}

function keepSpare(bytes: Buffer): void {
  if (spare && spare.bytes.length >= bytes.length) return;
  if (spare) clearTimeout(spare.timer);
  spare = { bytes, timer: setTimeout(() => (spare = undefined), SPARE_IDLE_MS).unref() };
}

/**
 * Lends the upload's bytes to `use` only: a spilled upload is read into the spare buffer, taken
 * back when `use` settles, so nothing may keep `bytes` or a view of it (answer from the file).
 */
export async function withUploadBytes<T>(file: ReceivedUpload, use: (bytes: Buffer) => Promise<T>): Promise<T> {
  if (file.buffer) return use(file.buffer);
  let buffer: Buffer | undefined;
  try {
    const bytes = await readSpilled(file.path!, (size) => (buffer = takeSpare(size)));
    return await use(bytes);
  } finally {
    if (buffer) keepSpare(buffer);
  }
}

/** The lease of the spare buffer by one request: given back once the handler and the response are both over. */
interface Lease {
  buffer?: Buffer;
  holders: number;
}
const leases = new WeakMap<IncomingMessage, Lease>();
/** At most one request at a time receives its upload into memory; the others spill, as before. */
let lentOut = false;

/**
 * The spare buffer for a big upload (asked once it outgrows IN_MEMORY_UPLOAD_BYTES) to a route
 * with ReceiveUploadInMemory, sized by its Content-Length, or the file limit `maxBytes` without
 * one (a chunked upload: only the pages written to become resident); never more than `maxBytes`,
 * where busboy stops. Undefined, and the upload spills, when another request has it, the route
 * did not ask, or the memory cannot be had.
 */
export function spareUploadMemory(maxBytes: number): UploadMemory {
  return (req) => {
    const lease = leases.get(req);
    const length = req.headers['content-length'];
    const size = Math.min(length === undefined ? maxBytes : Number(length), maxBytes);
    if (!lease || lentOut || !(size > 0)) return undefined;
    try {
      lease.buffer = takeSpare(size);
    } catch {
      return undefined;
    }
    lentOut = true;
    return lease.buffer;
  };
}

/**
 * Lets the request's upload be received into the spare buffer (spareUploadMemory). The buffer is
 * taken back when both the handler has settled (it calls what this returns: nothing signs from the
 * buffer any more) and the response is closed (nothing is being sent from it), however it ended.
 */
export function lendSpareUpload(req: IncomingMessage, res: ServerResponse): () => void {
  const lease: Lease = { holders: 2 };
  leases.set(req, lease);
  const over = () => {
    if (--lease.holders > 0 || !lease.buffer) return;
    lentOut = false;
    keepSpare(lease.buffer);
  };
  res.once('close', over);
  return over;
}

/**
 * A big upload received straight into the spare buffer while hashed (SpillingStorage with
 * spareUploadMemory): no write to a file and no read back, the answer sent from memory
 * (lendSpareUpload). Listed before the FileInterceptor; the route must keep nothing of
 * `file.buffer` beyond its response.
 */
@Injectable()
export class ReceiveUploadInMemory implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const handled = lendSpareUpload(http.getRequest<Request>(), http.getResponse<Response>());
    return next.handle().pipe(finalize(handled));
  }
}

/** Removes the upload's file, if it has one, once the response is over, however it ends. */
export function removeUploadAfter(res: ServerResponse, upload: () => ReceivedUpload | undefined): void {
  res.once('close', () => {
    const path = upload()?.path;
    // unlink, not rm: rm walks the path (lstat, rimraf) for a single file.
    if (path) void unlink(path).catch(() => undefined);
  });
}

/**
 * Big uploads wait on disk (SpillingStorage, libs/common) unless received into the spare buffer
 * (ReceiveUploadInMemory): a 100 MB PDF would otherwise be held as chunks, then as one buffer, then
 * as the signed copy; now it is read once and answered from the file. The file is removed once the response is
 * over, however it ends (signed, refused, failed, client gone); multer removes partial files itself.
 * Must be listed before the FileInterceptor, so that it runs around it.
 */
@Injectable()
export class RemoveUploadAfterResponse implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    removeUploadAfter(http.getResponse<Response>(), () => req.file);
    return next.handle();
  }
}

/**
 * The signed PDF as the input followed by the appended update, never a concatenated copy: an input
 * in memory (small, or received into the spare buffer) as it is, a spilled one streamed from its
 * file (in the page cache: it was just read) in large chunks, so that no 100 MB buffer of its own
 * outlives the signing.
 */
export function inputThenUpdate(file: ReceivedUpload, update: Uint8Array): Readable {
  const tail = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
  if (file.buffer) return Readable.from([file.buffer, tail], { objectMode: false });
  const head = createReadStream(file.path!, { highWaterMark: ANSWER_CHUNK_BYTES });
  async function* chunks() {
    yield* head;
    yield tail;
  }
  return Readable.from(chunks(), { objectMode: false });
}
