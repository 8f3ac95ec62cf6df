import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { SpillingStorage as HashingSpillingStorage, readSingleFileForm } from '@kyso/common';

/** An upload as the validation service takes it: in memory when small, in a private file when big. */
export interface Upload {
  /** The bytes, when the upload stayed under the in-memory bound. */
  buffer?: Buffer;
  /** The file holding it otherwise (removed by the controller once answered). */
  path?: string;
  size: number;
  /**
   * SHA-256 (hex) of the bytes, computed while they arrived; absent for bytes PdfUploads kept in
   * memory (the validation hashes them with its signed byte ranges: ValidationService.submit).
   */
  sha256?: string;
}

/** Uploads up to this many bytes stay in memory: the fast path's documents, and more. */
export const IN_MEMORY_MAX_BYTES = 8 * 1024 * 1024;
export const defaultUploadDir = () => join(tmpdir(), 'kyso-verifier-uploads');

/**
 * Multer storage for the PDF to validate (issue 16.3): the shared spilling storage (hashes while
 * receiving, a big upload written to a private file as it arrives, so a 100 MB document is never
 * held whole by the API; the bytes go to Postgres from the file, in slices), its digest as hex.
 */
export class SpillingStorage implements StorageEngine {
  private readonly hashing: HashingSpillingStorage;

  constructor(dir: string = defaultUploadDir(), memoryMax: number = IN_MEMORY_MAX_BYTES) {
    this.hashing = new HashingSpillingStorage(dir, memoryMax);
  }

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Upload>) => void): void {
    this.hashing._handleFile(req, file, (error, info) =>
      error ? cb(error) : cb(null, { ...info, sha256: info?.sha256?.digest('hex') }),
    );
  }

  _removeFile(req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    this.hashing._removeFile(req, file, cb);
  }
}

/** A submitted PDF with the name its form part gave it. */
export interface NamedUpload extends Upload {
  originalname: string;
}

/** The form of `POST /validations/pdf`: its `file` (absent when not sent) and its text fields. */
export interface PdfForm {
  file?: NamedUpload;
  fields: Record<string, unknown> | undefined;
}

/**
 * Reads the form of `POST /validations/pdf` straight from the request (issue 16.3):
 * readSingleFileForm into one buffer (or the spill file when big, hashed while receiving; one kept
 * in memory is hashed by ValidationService.submit), with multer's limits and refusals (413 over
 * `maxBytes`). A request that is not multipart has no file, and its JSON body (if any) as its
 * fields, as multer left it.
 */
export class PdfUploads {
  constructor(
    private readonly maxBytes: number,
    private readonly dir: string = defaultUploadDir(),
    private readonly inMemoryBytes: number = IN_MEMORY_MAX_BYTES,
  ) {}

  /** `req.body` is the JSON parser's (absent when the request did not go through Express). */
  async read(req: IncomingMessage & { body?: unknown }): Promise<PdfForm> {
    const form = await readSingleFileForm(req, {
      field: 'file',
      maxFileBytes: this.maxBytes,
      inMemoryBytes: this.inMemoryBytes,
      dir: this.dir,
      hashInMemory: false,
    });
    if (!form) return { fields: req.body as Record<string, unknown> | undefined };
    const f = form.file;
    const file = f && { ...f, sha256: f.sha256?.digest('hex') };
    return { file, fields: form.fields };
  }
}

/** Runs `use` on a SpillingStorage upload, then removes a big upload's file (in Postgres by then, or refused). */
export async function withUpload<T>(file: Express.Multer.File, use: (upload: Upload) => Promise<T>): Promise<T> {
  const upload = file as Express.Multer.File & Upload;
  try {
    return await use(upload);
  } finally {
    await discardUpload(upload);
  }
}

/** Removes a big upload's file, if any (whatever the answer was). */
export async function discardUpload(upload: { path?: string } | undefined): Promise<void> {
  if (upload?.path) await rm(upload.path, { force: true });
}
