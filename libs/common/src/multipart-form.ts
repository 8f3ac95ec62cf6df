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
  /** The text fields; a name given twice holds the values in order (`asMulter`: nested as multer nests them). */
  fields: Record<string, unknown>;
}

export interface SingleFileFormOptions {
  /** The file part's name; any other file part is refused. */
  field: string;
  /** Bigger files are refused with 413. */
  maxFileBytes: number;
  /** Up to this many bytes the file stays in memory; beyond, it goes to a private file in `dir`. */
  inMemoryBytes: number;
  dir: string;
  /** The text and part limits (FORM_TEXT_LIMITS by default), and how many fields and file parts are read. */
  limits?: FormLimits;
  /**
   * The fields as multer gives them (issue 12.5, the signer's form): names with the HTML escapes
   * undone and nested by their brackets (append-field), a file part without a file name skipped, a
   * part without a name refused, and multer's messages for the fields and files limits.
   */
  asMulter?: boolean;
  /**
   * As `receiveSpilling`'s (true by default): false leaves a file received into memory unhashed
   * (no `sha256`), for a caller hashing it with other digests of the same bytes.
   */
  hashInMemory?: boolean;
  /** As `receiveSpilling`'s: memory for the rest of a file that outgrows `inMemoryBytes`. */
  memory?: () => Buffer | undefined;
  /**
   * Told once that the file is big, when SpillingStorage tells its `bigUpload`: at its start when the
   * request declares more than `inMemoryBytes`, else when it outgrows them; with the fields read so far.
   */
  bigUpload?: (fieldsSoFar: Record<string, unknown>) => void;
}

export interface FormLimits {
  fieldSize: number;
  parts: number;
  fields?: number;
  files?: number;
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
  const limits: FormLimits = opts.limits ?? FORM_TEXT_LIMITS;
  const multer = opts.asMulter === true;
  return new Promise((resolve, reject) => {
    const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    let file: FormFile | undefined;
    let stream: Readable | undefined;
    let receiving = 0;
    /** Inside a file part multer drops. */
    let skipping = false;
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
      // As Nest's FileInterceptor leaves multer's body: no gaps in its lists.
      if (multer) closeArrayGaps(fields);
      resolve({ file, fields });
    };
    const parser = new MultipartParser(
      boundary,
      // One more than allowed, so that only what exceeds is reported (as multer's busboy does).
      { fieldSize: limits.fieldSize + 1, parts: limits.parts + 1, fields: limits.fields, files: limits.files },
      {
        field(name, value, truncated) {
          if (multer) {
            if (name === undefined) return fail(badRequest('BAD_REQUEST', 'Field name missing'));
            name = decodeFormDataName(name);
          }
          if (truncated) return fail(badRequest('BAD_REQUEST', `Field value too long - ${name}`));
          if (multer) {
            try {
              return appendField(fields, name!, value!);
            } catch {
              return fail(badRequest('BAD_REQUEST', `Invalid field name - ${name}`));
            }
          }
          const key = String(name);
          const had = fields[key];
          fields[key] = had === undefined ? value! : Array.isArray(had) ? [...had, value!] : [had, value!];
        },
        file(name, filename) {
          if (multer) {
            if (name === undefined) return fail(badRequest('BAD_REQUEST', 'Field name missing'));
            // multer keeps no file without a name: the part is read and dropped.
            if (!filename) return void (skipping = true);
            name = decodeFormDataName(name);
            filename = decodeFormDataName(filename);
          }
          if (name !== opts.field || file || receiving)
            return fail(badRequest('BAD_REQUEST', `Unexpected file field - ${name}`));
          receiving++;
          let told = false;
          const big = () => {
            if (told) return;
            told = true;
            opts.bigUpload?.(fields);
          };
          if (opts.bigUpload && Number(req.headers['content-length']) > opts.inMemoryBytes) big();
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
            (opts.memory || opts.bigUpload) &&
              (() => {
                big();
                return opts.memory?.();
              }),
            opts.hashInMemory ?? true,
          );
        },
        fileData(bytes) {
          if (skipping) return;
          if (!stream!.push(bytes)) req.pause();
        },
        fileEnd() {
          if (skipping) return void (skipping = false);
          stream!.push(null);
          // An ended stream asks for nothing more: a request paused for it would never go on.
          req.resume();
        },
        partsLimit: () => fail(badRequest('BAD_REQUEST', 'Too many parts')),
        filesLimit: () => fail(badRequest('BAD_REQUEST', 'Too many files')),
        fieldsLimit: () => fail(badRequest('BAD_REQUEST', 'Too many fields')),
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

/** multer's: the WHATWG escapes of LF, CR and `"` in a name undone, nothing else decoded. */
function decodeFormDataName(s: string): string {
  return s.replace(/%0A|%0D|%22/gi, (m) => (m.toUpperCase() === '%0A' ? '\n' : m.toUpperCase() === '%0D' ? '\r' : '"'));
}

// multer's own field nesting (append-field, multer's dependency, declared here too): `a[b]` → { a: { b } }, a name twice → a list.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const appendField = require('append-field') as (store: object, key: string, value: string) => void;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { closeArrayGaps } = require('@nestjs/platform-express/multer/multer/multer.utils') as {
  closeArrayGaps: (body: object) => void;
};
