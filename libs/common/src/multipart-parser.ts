import { basename, convertToUTF8, parseContentType, parseDisposition } from 'busboy/lib/utils';
import { PartHeaderParser, PartHeaders } from './multipart-headers';

/** What a form's parts turn into, in the order they come. */
export interface MultipartEvents {
  field(name: string | undefined, value: string | undefined, truncated: boolean): void;
  /** A file part starts; its bytes follow in `fileData`, then `fileEnd`. */
  file(name: string | undefined, filename: string | undefined): void;
  fileData(bytes: Buffer): void;
  fileEnd(): void;
  /** The form has more than `parts` parts. */
  partsLimit(): void;
  /** A file part beyond `files` (told once; the part is skipped), as busboy's 'filesLimit'. */
  filesLimit?(): void;
  /** A text field beyond `fields` (told once; the part is skipped), as busboy's 'fieldsLimit'. */
  fieldsLimit?(): void;
  error(e: Error): void;
}

export interface MultipartLimits {
  /** A text field's bytes beyond this are cut off (and the field reported truncated). */
  fieldSize: number;
  parts: number;
  /** File parts read (none by default); those beyond are skipped. */
  files?: number;
  /** Text fields read (none by default); those beyond are skipped. */
  fields?: number;
}

const CRLF = Buffer.from('\r\n');
const DASH = Buffer.from('-');
const CR = Buffer.from('\r');

/** After a delimiter: nothing expected yet, the first byte, a `-` came, a CR came. */
const enum After {
  None,
  Delimiter,
  Dash,
  Cr,
}

/**
 * A streaming multipart/form-data parser (issue 12.6) with busboy's grammar, bounds and decoding,
 * whose delimiter search is `Buffer.indexOf` (native) instead of busboy's JavaScript
 * Boyer-Moore-Horspool, which read every byte of the file. A file's bytes are handed on as
 * slices of the chunks they came in. A delimiter split across chunks is found: the few bytes at a
 * chunk's end that may begin one are held until the next chunk. `end()` tells whether the body
 * was whole (its closing delimiter seen).
 */
export class MultipartParser {
  private readonly delimiter: Buffer;
  /** Whether the delimiter's only CR is its first byte (a boundary has none), so held bytes begin one only at their start. */
  private readonly oneCr: boolean;
  private readonly headerParser = new PartHeaderParser();
  /** The bytes at the last chunk's end that may begin a delimiter. */
  private held: Buffer | undefined;
  private readingHeaders = false;
  private after = After.None;
  /** Parts ended so far, the preamble counted as -1 (as busboy counts). */
  private parts = -1;
  private skipPart = false;
  private inFile = false;
  private field: Buffer[] | undefined;
  private fieldSize = 0;
  private truncated = false;
  private partName: string | undefined;
  private partCharset = 'utf8';
  private complete = false;
  private stopped = false;
  private files = 0;
  private fields = 0;
  /** Whether the files or fields limit was told (once, as busboy tells it). */
  private hitFiles = false;
  private hitFields = false;

  /** `boundary` from the request's Content-Type, e.g. `readBoundary(req.headers['content-type'])`. */
  constructor(
    boundary: string,
    private readonly limits: MultipartLimits,
    private readonly on: MultipartEvents,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.oneCr = this.delimiter.indexOf(13, 1) === -1;
    // A body may start with its first delimiter's dashes (no preamble): CR LF in front finds it.
    this.write(CRLF);
  }

  /** Reads the next chunk of the body. */
  write(chunk: Buffer): void {
    if (this.complete || this.stopped) return;
    const d = this.delimiter;
    let buf = chunk;
    let from = 0;
    const held = this.held;
    if (held) {
      this.held = undefined;
      // What is held is the delimiter's start: either the chunk completes it or the held bytes are
      // data. The chunk is not copied behind them (issue 16.3: a part's header block ends in CR LF,
      // so a whole file's chunk was copied once per upload).
      const rest = d.length - held.length;
      if (chunk.length < rest || !this.oneCr) buf = Buffer.concat([held, chunk]);
      else if (d.compare(chunk, 0, rest, held.length) === 0) {
        this.delimited();
        if (this.stopped) return;
        from = rest;
      } else {
        this.data(held, 0, held.length);
        if (this.complete || this.stopped) return;
      }
    }
    for (;;) {
      const at = buf.indexOf(d, from);
      if (at === -1) break;
      if (at > from) this.data(buf, from, at);
      if (this.complete || this.stopped) return;
      this.delimited();
      if (this.stopped) return;
      from = at + d.length;
    }
    // What may begin a delimiter is held: the last CR from which the rest matches the delimiter's start.
    let keep = buf.length;
    for (let cr = buf.indexOf(13, Math.max(from, buf.length - d.length + 1)); cr !== -1; cr = buf.indexOf(13, cr + 1)) {
      if (d.compare(buf, cr, buf.length, 0, buf.length - cr) === 0) {
        keep = cr;
        break;
      }
    }
    if (keep > from) this.data(buf, from, keep);
    if (keep < buf.length && !this.complete && !this.stopped) this.held = buf.subarray(keep);
  }

  /** Whether the body ended whole; else the error busboy gives, reported. */
  end(): boolean {
    if (this.stopped) return false;
    // What was held as a possible delimiter's start was not one.
    const held = this.held;
    this.held = undefined;
    if (held && !this.complete) this.data(held, 0, held.length);
    if (this.stopped) return false;
    // A closing delimiter that a part's header block ran into ends nothing: busboy waits forever there.
    const error = !this.complete
      ? 'Unexpected end of form'
      : this.readingHeaders
        ? 'Malformed part header'
        : this.inFile
          ? 'Unexpected end of file'
          : undefined;
    if (error) this.stop(new Error(error));
    return !error;
  }

  /** Stops reading: what comes after is ignored. */
  stop(e?: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.held = undefined;
    if (e) this.on.error(e);
  }

  /** Bytes between delimiters: the rest of a delimiter line, a part's headers or its body. */
  private data(buf: Buffer, start: number, end: number): void {
    if (this.readingHeaders) {
      const at = this.headerParser.push(buf, start, end, (h) => this.partStarts(h));
      if (at === -1) {
        this.readingHeaders = false;
        this.headerParser.reset();
        return this.stop(new Error('Malformed part header'));
      }
      if (this.stopped) return;
      start = at;
    }
    if (start === end) return;
    if (this.after !== After.None) {
      if (this.after === After.Delimiter) {
        const code = buf[start];
        this.after = code === 45 /* - */ ? After.Dash : code === 13 ? After.Cr : After.None;
        if (this.after !== After.None) ++start;
        if (start === end) return;
      }
      if (this.after === After.Dash) {
        this.after = After.None;
        if (buf[start] === 45) {
          // The closing delimiter: the epilogue is ignored.
          this.complete = true;
          return;
        }
        // One dash only: it belongs to what follows (as busboy reads it).
        this.data(DASH, 0, 1);
        if (this.stopped) return;
      } else if (this.after === After.Cr) {
        this.after = After.None;
        if (buf[start] === 10) {
          ++start;
          // Past the parts limit a part's headers are not read (the limit is reported already).
          if (this.parts >= this.limits.parts) return;
          this.readingHeaders = true;
          if (start < end) this.data(buf, start, end);
          return;
        }
        this.data(CR, 0, 1);
        if (this.stopped) return;
      }
    }
    if (this.skipPart) return;
    if (this.inFile) return this.on.fileData(buf.subarray(start, end));
    if (!this.field) return;
    const take = Math.min(end - start, this.limits.fieldSize - this.fieldSize);
    this.field.push(buf.subarray(start, start + take));
    this.fieldSize += take;
    if (this.fieldSize === this.limits.fieldSize) {
      this.skipPart = true;
      this.truncated = true;
    }
  }

  /** A delimiter: the part before it ends. */
  private delimited(): void {
    this.after = After.Delimiter;
    if (this.inFile) {
      this.inFile = false;
      this.on.fileEnd();
    } else if (this.field) {
      const value = this.field.length === 0 ? '' : convertToUTF8(Buffer.concat(this.field), this.partCharset, 0);
      this.field = undefined;
      this.fieldSize = 0;
      this.on.field(this.partName, value, this.truncated);
    }
    if (!this.stopped && ++this.parts === this.limits.parts) this.on.partsLimit();
  }

  /** A part's header block ended: a file, a text field, or a part that is not the form's. */
  private partStarts(headers: PartHeaders): void {
    this.readingHeaders = false;
    this.skipPart = false;
    this.partName = undefined;
    this.partCharset = 'utf8';
    this.truncated = false;
    const disposition = headers['content-disposition'];
    const disp = disposition && parseDisposition(disposition[0], (v) => v);
    if (!disp || disp.type !== 'form-data') {
      this.skipPart = true;
      return;
    }
    let filename: string | undefined;
    if (disp.params) {
      if (disp.params.name) this.partName = disp.params.name;
      filename = disp.params['filename*'] || disp.params.filename || undefined;
      if (filename !== undefined) filename = basename(filename);
    }
    let type = 'text/plain';
    const contentType = headers['content-type'] && parseContentType(headers['content-type'][0]);
    if (contentType) {
      type = `${contentType.type}/${contentType.subtype}`;
      if (typeof contentType.params.charset === 'string') this.partCharset = contentType.params.charset.toLowerCase();
    }
    if (type === 'application/octet-stream' || filename !== undefined) {
      if (this.files === this.limits.files) {
        this.skipPart = true;
        if (!this.hitFiles) {
          this.hitFiles = true;
          this.on.filesLimit?.();
        }
        return;
      }
      ++this.files;
      this.inFile = true;
      this.on.file(this.partName, filename);
    } else {
      if (this.fields === this.limits.fields) {
        this.skipPart = true;
        if (!this.hitFields) {
          this.hitFields = true;
          this.on.fieldsLimit?.();
        }
        return;
      }
      ++this.fields;
      this.field = [];
      this.fieldSize = 0;
    }
  }
}

/**
 * The boundary of a multipart/form-data Content-Type, or the error busboy gives (as its message):
 * a malformed type, another type, no boundary.
 */
export function readBoundary(contentType: string | undefined): string | Error {
  const type = parseContentType(contentType ?? '');
  if (!type) return new Error('Malformed content type');
  if (type.type !== 'multipart' || type.subtype !== 'form-data')
    return new Error(`Unsupported content type: ${contentType}`);
  const boundary = type.params.boundary;
  return typeof boundary === 'string' ? boundary : new Error('Multipart: Boundary not found');
}
