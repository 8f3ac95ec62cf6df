import busboy from 'busboy';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { badRequest, ProblemError } from './problem';
import { receiveSpilling, SpilledBytes } from './spilling-storage';

/** The one file of a form, as `receiveSpilling` left it, with the name its part gave. */
export interface FormFile extends SpilledBytes {
  /** The part's file name as sent (busboy decodes the parameter as latin1, as multer does). */
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
 * Reads a multipart form with at most one file straight from the request (issue 16.3): busboy and
 * `receiveSpilling`, without multer's per-request middleware, storage engine and rxjs interceptor.
 * The file is hashed as it arrives and kept in one buffer when small, spilled to a file when big.
 * Refusals keep multer's (as Nest maps them): 413 PAYLOAD_TOO_LARGE "File too large", 400
 * BAD_REQUEST for an unexpected file field, too many parts, a truncated field or a malformed body.
 * Resolves `undefined` for a request that is not multipart (its body, if any, is the JSON parser's).
 */
export function readSingleFileForm(
  req: IncomingMessage,
  opts: SingleFileFormOptions,
): Promise<SingleFileForm | undefined> {
  if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof busboy>;
    try {
      parser = busboy({
        headers: req.headers,
        // One more than allowed, so busboy reports only what exceeds (as multer does).
        limits: { fieldSize: FORM_TEXT_LIMITS.fieldSize + 1, parts: FORM_TEXT_LIMITS.parts + 1 },
      });
    } catch (e) {
      return reject(badRequest('BAD_REQUEST', (e as Error).message));
    }
    const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    let file: FormFile | undefined;
    let receiving = 0;
    let parsed = false;
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      // The rest of the body is read and dropped, so the connection stays usable for the answer.
      req.unpipe(parser);
      req.resume();
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
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated) return fail(badRequest('BAD_REQUEST', `Field name too long - ${name}`));
      if (info.valueTruncated) return fail(badRequest('BAD_REQUEST', `Field value too long - ${name}`));
      const had = fields[name];
      fields[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    });
    parser.on('file', (name, stream, info) => {
      if (settled) return void stream.resume();
      if (name !== opts.field || file || receiving) {
        stream.resume();
        return fail(badRequest('BAD_REQUEST', `Unexpected file field - ${name}`));
      }
      receiving++;
      // A body cut short fails the file stream first: 400 as the parser's own error, not a 500.
      stream.on('error', (e: Error) => fail(malformed(e)));
      receiveSpilling(
        stream,
        opts.dir,
        opts.inMemoryBytes,
        (error, received) => {
          receiving--;
          if (error) return fail(error);
          file = { ...received!, originalname: info.filename ?? '' };
          if (settled && file.path) void unlink(file.path).catch(() => undefined);
          settle();
        },
        (size) => {
          if (size > opts.maxFileBytes)
            throw new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'File too large');
        },
      );
    });
    parser.on('partsLimit', () => fail(badRequest('BAD_REQUEST', 'Too many parts')));
    parser.on('error', (e) => fail(malformed(e)));
    parser.on('close', () => {
      parsed = true;
      settle();
    });
    req.on('error', fail);
    req.pipe(parser);
  });
}

const malformed = (e: Error) => badRequest('BAD_REQUEST', `Multipart: ${e.message}`);
