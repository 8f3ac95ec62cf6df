/** Byte classes and small scanning helpers (ISO 32000-1, 7.2). */

const WS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

export const isWhitespace = (c: number): boolean => WS[c] === 1;
export const isRegular = (c: number): boolean => WS[c] === 0 && DELIM[c] === 0;
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Skips whitespace and comments; returns the new position. */
export function skipWhitespace(buf: Uint8Array, pos: number): number {
  const n = buf.length;
  while (pos < n) {
    const c = buf[pos];
    if (WS[c]) pos++;
    else if (c === 0x25 /* % */) {
      while (pos < n && buf[pos] !== 0x0a && buf[pos] !== 0x0d) pos++;
    } else break;
  }
  return pos;
}

/** The regular-character token at pos (a keyword or number), as latin1 text. */
export function readRegular(buf: Uint8Array, pos: number): { text: string; end: number } {
  let end = pos;
  while (end < buf.length && isRegular(buf[end]) && end - pos < 256) end++;
  return { text: latin1(buf, pos, end), end };
}

/** An unsigned decimal integer at pos (after whitespace), or null. */
export function readUInt(buf: Uint8Array, pos: number): { value: number; end: number } | null {
  pos = skipWhitespace(buf, pos);
  let end = pos;
  let value = 0;
  while (end < buf.length && isDigit(buf[end]) && end - pos < 16) value = value * 10 + (buf[end++] - 0x30);
  if (end === pos || (end < buf.length && isRegular(buf[end]))) return null;
  return { value, end };
}

export function latin1(buf: Uint8Array, start: number, end: number): string {
  return end > start ? asBuffer(buf).toString('latin1', start, end) : '';
}

/** A Buffer view over the same memory, for its fast indexOf/lastIndexOf (no copy). */
export function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
}

/** True when the keyword is at pos and is followed by a non-regular byte (or the end). */
export function keywordAt(buf: Uint8Array, pos: number, keyword: string): boolean {
  if (pos + keyword.length > buf.length) return false;
  for (let i = 0; i < keyword.length; i++) if (buf[pos + i] !== keyword.charCodeAt(i)) return false;
  const after = pos + keyword.length;
  return after >= buf.length || !isRegular(buf[after]);
}
