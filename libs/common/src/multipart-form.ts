import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { MultipartParser, readBoundary } from './multipart-parser';
import { badRequest, ProblemError } from './problem';
import { receiveSpilling, SpilledBytes } from './spilling-storage';

/** The one file of a form, as `receiveSpilling` left it, with the name its part gave. */
export interface FormFile extends SpilledBytes {
  /** The part's file name as sent (the parameter read as latin1, as busboy and multer do). */
  originalname: string;
}

export interface SingleFileForm {
  file?: FormFile;
  /** The text fields; a name given twice holds the values in order. */
  fields: Record<string, string | string[]>;
}

export interface SingleFileFormOptions {
  /** The file part's name; any other file part is refused. */
  field: string;
  /** Bigger files are refused with 413. */
  maxFileBytes: number;
  /** Up to this many bytes the file stays in memory; beyond, it goes to a private file in `dir`. */
  inMemoryBytes: number;
  dir: string;
}

/**
 * The text limits of a multipart form, readSingleFileForm's and (passed in MulterModule's limits)
 * multer's on the same service's other routes: 1 MiB per text field (busboy's and multer's
 * default), 1,000 parts.
 */
export const FORM_TEXT_LIMITS = { fieldSize: 1024 * 1024, parts: 1000 } as const;

/**
 * Reads a multipart form with at most one file straight from the request (issues 16.3, 12.6):
 * MultipartParser (busboy's grammar, a native delimiter search) and `receiveSpilling`, without
 * multer's per-request middleware, storage engine and rxjs interceptor. The file is hashed as it
 * arrives and kept in one buffer when small, spilled to a file when big. Refusals keep multer's
 * (as Nest maps them): 413 PAYLOAD_TOO_LARGE "File too large", 400 BAD_REQUEST for an unexpected
 * file field, too many parts, a truncated field or a malformed body.
 * Resolves `undefined` for a request that is not multipart (its body, if any, is the JSON parser's).
 */
export function readSingleFileForm(
  req: IncomingMessage,
  opts: SingleFileFormOptions,
): Promise<SingleFileForm | undefined> {
  if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) return Promise.resolve(undefined);
  const boundary = readBoundary(req.headers['content-type']);
  if (boundary instanceof Error) return Promise.reject(badRequest('BAD_REQUEST', boundary.message));
  return new Promise((resolve, reject) => {
    const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    let file: FormFile | undefined;
    let stream: Readable | undefined;
    let receiving = 0;
    let parsed = false;
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      parser.stop();
      // The rest of the body is read and dropped, so the connection stays usable for the answer.
      req.off('data', write);
      req.resume();
      // A file still arriving is given up: receiveSpilling removes what it wrote.
      stream?.destroy(new Error('Form refused'));
      if (file?.path) void unlink(file.path).catch(() => undefined);
      reject(e);
    };
    const settle = () => {
      if (settled || !parsed || receiving > 0) return;
      // Settled: what happens to the request from now on is no longer the form's (nor is the file).
      settled = true;
      req.off('error', fail);
      resolve({ file, fields });
    };
    const parser = new MultipartParser(
      boundary,
      // One more than allowed, so that only what exceeds is reported (as multer's busboy does).
      { fieldSize: FORM_TEXT_LIMITS.fieldSize + 1, parts: FORM_TEXT_LIMITS.parts + 1 },
      {
        field(name, value, truncated) {
          if (truncated) return fail(badRequest('BAD_REQUEST', `Field value too long - ${name}`));
          const key = String(name);
          const had = fields[key];
          fields[key] = had === undefined ? value! : Array.isArray(had) ? [...had, value!] : [had, value!];
        },
        file(name, filename) {
          if (name !== opts.field || file || receiving)
            return fail(badRequest('BAD_REQUEST', `Unexpected file field - ${name}`));
          receiving++;
          // Back-pressure: the request waits while the file's reader (the spill file) is behind.
          stream = new Readable({ read: () => void req.resume() });
          receiveSpilling(
            stream,
            opts.dir,
            opts.inMemoryBytes,
            (error, received) => {
              receiving--;
              stream = undefined;
              if (error) return fail(error);
              file = { ...received!, originalname: filename ?? '' };
              if (settled && file.path) void unlink(file.path).catch(() => undefined);
              settle();
            },
            (size) => {
              if (size > opts.maxFileBytes)
                throw new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'File too large');
            },
          );
        },
        fileData(bytes) {
          if (!stream!.push(bytes)) req.pause();
        },
        fileEnd() {
          stream!.push(null);
          // An ended stream asks for nothing more: a request paused for it would never go on.
          req.resume();
        },
        partsLimit: () => fail(badRequest('BAD_REQUEST', 'Too many parts')),
        error: (e) => fail(malformed(e)),
      },
    );
    const write = (chunk: Buffer) => parser.write(chunk);
    req.on('data', write);
    req.on('end', () => {
      if (!parser.end()) return;
      parsed = true;
      settle();
    });
    req.on('error', fail);
  });
}

const malformed = (e: Error) => badRequest('BAD_REQUEST', `Multipart: ${e.message}`);
