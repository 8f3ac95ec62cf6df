import { PkiFormatError } from '../errors';
import { MAX_DER_BYTES } from '../budgets';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

/** All PEM blocks in a text, in order. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const b64 = m[2].replace(/[\r\n\t ]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64))
      throw new PkiFormatError('MALFORMED_PEM', `PEM block ${m[1]} is not valid base64`);
    out.push({ label: m[1], der: new Uint8Array(Buffer.from(b64, 'base64')) });
  }
  return out;
}

/** RFC 7468: base64 in lines of 64 characters (sliced: the registry writes several per signature). */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let lines = '';
  for (let i = 0; i < b64.length; i += 64) lines += (i ? '\n' : '') + b64.slice(i, i + 64);
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}

/**
 * Input that may be PEM (one or more blocks) or raw DER: the DER objects with the given PEM labels.
 */
export function derObjects(input: Uint8Array | string, labels: string[]): Uint8Array[] {
  if (input.length === 0) throw new PkiFormatError('EMPTY_INPUT', 'The input is empty');
  if (input.length > MAX_DER_BYTES * 4) throw new PkiFormatError('INPUT_TOO_LARGE', 'The input is too large');
  const bytes =
    typeof input === 'string'
      ? Buffer.from(input, 'utf8')
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes[0] === 0x30) return [new Uint8Array(bytes)];
  const text = typeof input === 'string' ? input : bytes.toString('latin1');
  const blocks = pemBlocks(text).filter((b) => labels.includes(b.label));
  if (blocks.length === 0) throw new PkiFormatError('NOT_DER_OR_PEM', `Expected DER or PEM (${labels.join(', ')})`);
  return blocks.map((b) => b.der);
}

/** Copies a Uint8Array view into a standalone ArrayBuffer (what asn1js wants). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export const hex = (bytes: Uint8Array | ArrayBuffer): string =>
  Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes)
    .toString('hex')
    .toUpperCase();
