/** busboy's (and Node's) bound on one part's header block. */
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_HEADER_PAIRS = 2000;

/** A part's header fields, names lower-cased, values as latin1 text, in order. */
export type PartHeaders = Record<string, string[]>;

const enum State {
  Name,
  Whitespace,
  Value,
}

/**
 * A part's header block, fed in pieces as it arrives: busboy's grammar and bounds (token names,
 * visible-character values, folded lines, 16 KiB), so a form reads the same with either parser.
 * The blocks are a few hundred bytes; the file's bytes never come here.
 */
export class PartHeaderParser {
  private headers: PartHeaders = Object.create(null) as PartHeaders;
  private pairs = 0;
  private bytes = 0;
  private state = State.Name;
  private name = '';
  private value = '';
  /** How much of CR LF (CR LF) after a value came: 0 to 3. */
  private crlf = 0;

  /**
   * Reads `chunk[pos, end)`: where the block ended (its headers in `done`), `end` when it goes on,
   * or -1 when it is malformed.
   */
  push(chunk: Buffer, pos: number, end: number, done: (headers: PartHeaders) => void): number {
    let start = pos;
    while (pos < end) {
      if (this.state === State.Name) {
        for (; pos < end; ++pos) {
          if (this.bytes++ === MAX_HEADER_BYTES) return -1;
          const code = chunk[pos];
          if (TOKEN[code] === 1) continue;
          if (code !== 58 /* : */) return -1;
          this.name += chunk.toString('latin1', start, pos);
          if (this.name.length === 0) return -1;
          ++pos;
          this.state = State.Whitespace;
          break;
        }
        if (this.state === State.Name) {
          this.name += chunk.toString('latin1', start, pos);
          break;
        }
      }
      if (this.state === State.Whitespace) {
        for (; pos < end; ++pos) {
          if (this.bytes++ === MAX_HEADER_BYTES) return -1;
          const code = chunk[pos];
          if (code !== 32 && code !== 9) {
            start = pos;
            this.state = State.Value;
            break;
          }
        }
        if (this.state === State.Whitespace) break;
      }
      // State.Value
      switch (this.crlf) {
        case 0:
          for (; pos < end; ++pos) {
            if (this.bytes++ === MAX_HEADER_BYTES) return -1;
            const code = chunk[pos];
            if (FIELD_VCHAR[code] === 1) continue;
            if (code !== 13) return -1;
            ++this.crlf;
            break;
          }
          this.value += chunk.toString('latin1', start, pos++);
          break;
        case 1:
          if (this.bytes++ === MAX_HEADER_BYTES || chunk[pos++] !== 10) return -1;
          ++this.crlf;
          break;
        case 2: {
          if (this.bytes++ === MAX_HEADER_BYTES) return -1;
          const code = chunk[pos];
          if (code === 32 || code === 9) {
            // A folded line: the value goes on.
            start = pos;
            this.crlf = 0;
            break;
          }
          if (++this.pairs < MAX_HEADER_PAIRS) (this.headers[this.name.toLowerCase()] ??= []).push(this.value);
          if (code === 13) {
            ++this.crlf;
            ++pos;
          } else {
            start = pos;
            this.crlf = 0;
            this.state = State.Name;
            this.name = '';
            this.value = '';
          }
          break;
        }
        case 3: {
          if (this.bytes++ === MAX_HEADER_BYTES || chunk[pos++] !== 10) return -1;
          const headers = this.headers;
          this.reset();
          done(headers);
          return pos;
        }
      }
    }
    return pos;
  }

  reset(): void {
    this.headers = Object.create(null) as PartHeaders;
    this.pairs = 0;
    this.bytes = 0;
    this.state = State.Name;
    this.name = '';
    this.value = '';
    this.crlf = 0;
  }
}

/** RFC 7230 token characters. */
const TOKEN = bytes((c) => c > 32 && c < 127 && !'"(),/:;<=>?@[\\]{}'.includes(String.fromCharCode(c)));
/** What a header value may hold: tab, visible ASCII and space, and any byte above 0x7f. */
const FIELD_VCHAR = bytes((c) => c === 9 || (c >= 32 && c !== 127));

function bytes(member: (code: number) => boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) table[c] = member(c) ? 1 : 0;
  return table;
}
