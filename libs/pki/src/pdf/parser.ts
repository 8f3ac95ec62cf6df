import { malformed, PDF_LIMITS } from './errors';
import { asBuffer, isDigit, isRegular, keywordAt, readRegular, readUInt, skipWhitespace } from './lexer';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString } from './objects';

export interface ParseOptions {
  /** Whether offsets in buf are file offsets (strings then record their position). */
  filePositions: boolean;
  /** Resolves an indirect /Length of a stream; null when it cannot be resolved. */
  resolveLength?: (ref: PdfRef) => number | null;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

const ESCAPES = new Int16Array(256).fill(-1);
for (const [k, v] of [
  ['n', 10],
  ['r', 13],
  ['t', 9],
  ['b', 8],
  ['f', 12],
  ['(', 0x28],
  [')', 0x29],
  ['\\', 0x5c],
] as const) {
  ESCAPES[k.charCodeAt(0)] = v;
}

/**
 * Names as strings without a new string per occurrence: every dictionary key and most values are
 * a few names (/Type, /Length, /Filter...) met again in every file. Direct-mapped by a hash of the
 * bytes, verified byte by byte; longer names are not kept.
 */
const INTERN_SIZE = 1024;
const INTERN_MAX_LENGTH = 32;
const interned: (string | undefined)[] = new Array(INTERN_SIZE);

function internedName(buf: Uint8Array, start: number, end: number, hash: number): string {
  const length = end - start;
  if (length > INTERN_MAX_LENGTH) return asBuffer(buf).toString('latin1', start, end);
  const slot = hash & (INTERN_SIZE - 1);
  const known = interned[slot];
  if (known !== undefined && known.length === length) {
    let i = 0;
    while (i < length && known.charCodeAt(i) === buf[start + i]) i++;
    if (i === length) return known;
  }
  return (interned[slot] = asBuffer(buf).toString('latin1', start, end));
}

/** '0' digits, compared natively with the zero padding of a hex string. */
const ZERO_DIGITS = Buffer.alloc(4096, 0x30);

/** Where the run of '0' bytes that ends at `end` begins (not before `start`). */
function zeroRunStart(b: Buffer, start: number, end: number): number {
  const block = ZERO_DIGITS.length;
  let zeros = end; // [zeros, end) is all '0'
  while (zeros - start >= block && b.compare(ZERO_DIGITS, 0, block, zeros - block, zeros) === 0) zeros -= block;
  // The run begins in [lo, zeros): halved, each half compared natively.
  let lo = Math.max(start, zeros - block);
  while (zeros - lo > 16) {
    const mid = (lo + zeros) >>> 1;
    if (b.compare(ZERO_DIGITS, 0, zeros - mid, mid, zeros) === 0) zeros = mid;
    else lo = mid;
  }
  while (zeros > lo && b[zeros - 1] === 0x30) zeros--;
  return zeros;
}

/** A recursive-descent parser of PDF objects over a byte buffer, bounded in depth and size. */
export class PdfParser {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    private readonly opts: ParseOptions = { filePositions: false },
  ) {}

  /** Parses `num gen obj <value> [stream...]` at the current position. */
  parseIndirectObject(expectedNum?: number): { num: number; gen: number; value: PdfObject } {
    const num = readUInt(this.buf, this.pos);
    const gen = num && readUInt(this.buf, num.end);
    const objPos = gen ? skipWhitespace(this.buf, gen.end) : -1;
    if (!num || !gen || !keywordAt(this.buf, objPos, 'obj')) throw malformed(`no object header at offset ${this.pos}`);
    if (expectedNum !== undefined && num.value !== expectedNum) {
      throw malformed(`object ${expectedNum} expected at offset ${this.pos}, found ${num.value}`);
    }
    this.pos = objPos + 3;
    let value = this.parseValue(0);
    const p = skipWhitespace(this.buf, this.pos);
    if (keywordAt(this.buf, p, 'stream')) {
      if (!(value instanceof PdfDict)) throw malformed(`stream without a dictionary at offset ${p}`);
      value = this.parseStreamData(value, p + 6);
    }
    return { num: num.value, gen: gen.value, value };
  }

  private parseStreamData(dict: PdfDict, pos: number): PdfStream {
    const buf = this.buf;
    // The keyword is followed by CRLF or LF (a lone CR is tolerated).
    if (buf[pos] === 0x0d) pos++;
    if (buf[pos] === 0x0a) pos++;
    const start = pos;
    let length: number | null = null;
    const l = dict.get('Length');
    if (typeof l === 'number') length = l;
    else if (l instanceof PdfRef && this.opts.resolveLength) length = this.opts.resolveLength(l);
    if (length !== null) {
      if (!Number.isInteger(length) || length < 0 || start + length > buf.length) {
        throw malformed(`stream /Length ${length} at offset ${start} runs past the end of the data`);
      }
      const after = skipWhitespace(buf, start + length);
      if (keywordAt(buf, after, 'endstream')) {
        this.pos = after + 9;
        return new PdfStream(dict, buf, start, start + length);
      }
    }
    // A missing or wrong /Length: fall back to the endstream keyword, as common readers do.
    const at = asBuffer(buf).indexOf('endstream', start, 'latin1');
    if (at < 0) throw malformed(`stream at offset ${start} has no endstream`);
    let end = at;
    if (end > start && buf[end - 1] === 0x0a) end--;
    if (end > start && buf[end - 1] === 0x0d) end--;
    this.pos = at + 9;
    return new PdfStream(dict, buf, start, end);
  }

  /** Parses one direct value (which may be a reference). */
  parseValue(depth: number): PdfObject {
    if (depth > PDF_LIMITS.maxNesting) throw malformed(`objects nested deeper than ${PDF_LIMITS.maxNesting}`);
    const buf = this.buf;
    const pos = (this.pos = skipWhitespace(buf, this.pos));
    if (pos >= buf.length) throw malformed('unexpected end of data in an object');
    const c = buf[pos];
    switch (c) {
      case 0x2f /* / */:
        return this.parseName();
      case 0x28 /* ( */:
        return this.parseLiteralString();
      case 0x3c /* < */:
        return buf[pos + 1] === 0x3c ? this.parseDict(depth) : this.parseHexString();
      case 0x5b /* [ */:
        return this.parseArray(depth);
    }
    if (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) return this.parseNumberOrRef();
    if (isRegular(c)) {
      const { text, end } = readRegular(buf, pos);
      this.pos = end;
      if (text === 'true') return true;
      if (text === 'false') return false;
      if (text === 'null') return null;
      throw malformed(`unexpected keyword "${text.slice(0, 20)}" at offset ${pos}`);
    }
    throw malformed(`unexpected byte 0x${c.toString(16)} at offset ${pos}`);
  }

  private parseNumberOrRef(): PdfObject {
    const buf = this.buf;
    const start = this.pos;
    // Most numbers are short unsigned integers: read from the bytes, no token string.
    let end = start;
    let int = 0;
    while (end < buf.length && end - start < 15 && isDigit(buf[end])) int = int * 10 + (buf[end++] - 0x30);
    if (end > start && (end >= buf.length || !isRegular(buf[end]))) {
      this.pos = end;
      return this.integerOrRef(int, end);
    }
    const { text, end: textEnd } = readRegular(buf, start);
    this.pos = textEnd;
    if (/^\d+$/.test(text)) return this.integerOrRef(Number(text), textEnd);
    // Reals, tolerating the odd "-.5" or "5." forms.
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw malformed(`bad number "${text.slice(0, 20)}" at offset ${start}`);
    return Number(text);
  }

  /** An unsigned integer that ended at `end`, or the reference `int gen R` starting with it. */
  private integerOrRef(int: number, end: number): number | PdfRef {
    const gen = readUInt(this.buf, end);
    if (gen) {
      const r = skipWhitespace(this.buf, gen.end);
      if (this.buf[r] === 0x52 /* R */ && (r + 1 >= this.buf.length || !isRegular(this.buf[r + 1]))) {
        this.pos = r + 1;
        return new PdfRef(int, gen.value);
      }
    }
    return int;
  }

  private parseName(): PdfName {
    return new PdfName(this.parseNameValue());
  }

  /** The decoded name at pos (after its /): short names without #xx come from the intern table. */
  private parseNameValue(): string {
    const buf = this.buf;
    const first = this.pos + 1;
    let p = first;
    let hash = 0;
    while (p < buf.length && isRegular(buf[p]) && buf[p] !== 0x23 /* # */ && p - first <= 4096) {
      hash = (Math.imul(hash, 31) + buf[p++]) | 0;
    }
    if (p - first <= 4096 && (p >= buf.length || buf[p] !== 0x23)) {
      this.pos = p;
      return internedName(buf, first, p, hash);
    }
    const out: number[] = [];
    for (p = first; p < buf.length && isRegular(buf[p]);) {
      if (buf[p] === 0x23 /* # */ && HEX[buf[p + 1]] >= 0 && HEX[buf[p + 2]] >= 0) {
        out.push(HEX[buf[p + 1]] * 16 + HEX[buf[p + 2]]);
        p += 3;
      } else out.push(buf[p++]);
      if (out.length > 4096) throw malformed(`name too long at offset ${this.pos}`);
    }
    this.pos = p;
    return Buffer.from(out).toString('latin1');
  }

  private parseLiteralString(): PdfString {
    const buf = this.buf;
    const start = this.pos;
    // First pass: find the closing parenthesis (balanced, escapes skipped), so that we allocate once.
    let p = start + 1;
    let nesting = 1;
    for (;;) {
      if (p >= buf.length) throw malformed(`unterminated string at offset ${start}`);
      const c = buf[p++];
      if (c === 0x5c) p++;
      else if (c === 0x28) nesting++;
      else if (c === 0x29 && --nesting === 0) break;
    }
    const close = p - 1;
    const out = Buffer.allocUnsafe(close - start);
    let n = 0;
    for (p = start + 1; p < close;) {
      const c = buf[p++];
      if (c !== 0x5c) {
        out[n++] = c;
        continue;
      }
      const e = buf[p++];
      const simple = ESCAPES[e];
      if (simple >= 0) out[n++] = simple;
      else if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let i = 0; i < 2 && p < close && buf[p] >= 0x30 && buf[p] <= 0x37; i++) v = v * 8 + (buf[p++] - 0x30);
        out[n++] = v & 0xff;
      } else if (e === 0x0d) {
        if (buf[p] === 0x0a) p++; // line continuation
      } else if (e !== 0x0a) out[n++] = e; // unknown escape: the backslash is ignored
    }
    this.pos = close + 1;
    const bytes = out.subarray(0, n);
    return this.opts.filePositions ? new PdfString(bytes, false, start, close + 1) : new PdfString(bytes, false);
  }

  private parseHexString(): PdfString {
    const buf = this.buf;
    const start = this.pos;
    const close = asBuffer(buf).indexOf(0x3e, start + 1);
    if (close < 0) throw malformed(`unterminated hex string at offset ${start}`);
    // Hex digits only (a signature's /Contents, tens of KB): decoded natively. Node's decoder stops
    // at the first pair that is not hex, so the full count says every byte was a digit. The run of
    // '0' digits at the end (a signature's padding, most of its /Contents) is compared natively
    // and filled with zero bytes rather than decoded through a string.
    const digits = close - start - 1;
    if (digits >= 64 && digits % 2 === 0) {
      const b = asBuffer(buf);
      let zeros = zeroRunStart(b, start + 1, close);
      if ((zeros - start - 1) % 2 !== 0) zeros++; // the pair that ends with the run's first '0'
      const bytes = Buffer.allocUnsafe(digits / 2);
      const written = zeros > start + 1 ? bytes.write(b.toString('latin1', start + 1, zeros), 0, 'hex') : 0;
      if (written * 2 === zeros - start - 1) {
        bytes.fill(0, written);
        this.pos = close + 1;
        return this.opts.filePositions ? new PdfString(bytes, true, start, close + 1) : new PdfString(bytes, true);
      }
    }
    const out = Buffer.allocUnsafe((close - start) >> 1);
    let n = 0;
    let hi = -1;
    for (let p = start + 1; p < close; p++) {
      const c = buf[p];
      const v = HEX[c];
      if (v < 0) {
        if (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0)) continue;
        throw malformed(`bad character in hex string at offset ${p}`);
      }
      if (hi < 0) hi = v;
      else {
        out[n++] = hi * 16 + v;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi * 16; // odd digit count: a final 0 is implied
    this.pos = close + 1;
    const bytes = out.subarray(0, n);
    return this.opts.filePositions ? new PdfString(bytes, true, start, close + 1) : new PdfString(bytes, true);
  }

  private parseArray(depth: number): PdfObject[] {
    const start = this.pos;
    this.pos++;
    const items: PdfObject[] = [];
    for (;;) {
      this.pos = skipWhitespace(this.buf, this.pos);
      if (this.pos >= this.buf.length) throw malformed(`unterminated array at offset ${start}`);
      if (this.buf[this.pos] === 0x5d /* ] */) {
        this.pos++;
        return items;
      }
      if (items.length >= PDF_LIMITS.maxContainerItems) throw malformed(`array too large at offset ${start}`);
      items.push(this.parseValue(depth + 1));
    }
  }

  private parseDict(depth: number): PdfDict {
    const start = this.pos;
    this.pos += 2;
    const map = new Map<string, PdfObject>();
    for (;;) {
      this.pos = skipWhitespace(this.buf, this.pos);
      if (this.pos >= this.buf.length) throw malformed(`unterminated dictionary at offset ${start}`);
      const c = this.buf[this.pos];
      if (c === 0x3e && this.buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return new PdfDict(map);
      }
      if (c !== 0x2f) throw malformed(`dictionary key expected at offset ${this.pos}`);
      if (map.size >= PDF_LIMITS.maxContainerItems) throw malformed(`dictionary too large at offset ${start}`);
      const key = this.parseNameValue();
      const value = this.parseValue(depth + 1);
      map.set(key, value); // a later duplicate key wins, as in most readers
    }
  }
}

/** Parses a single value from a small buffer (tests, object streams). */
export function parseValueAt(buf: Uint8Array, pos: number, filePositions = false): { value: PdfObject; end: number } {
  const p = new PdfParser(buf, pos, { filePositions });
  const value = p.parseValue(0);
  return { value, end: p.pos };
}
