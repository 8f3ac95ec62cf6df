import { PkiFormatError } from '../errors';

/**
 * Minimal DER reading and writing, for the places where the original bytes must be kept exactly
 * (issuer names, serial numbers, signed attributes, embedded certificates): no re-encoding.
 */
export interface Tlv {
  tag: number; // the first identifier octet (single-byte tags only)
  start: number; // offset of the tag octet
  valueStart: number;
  end: number; // exclusive
}

/** Reads one TLV at `offset`; definite lengths only (DER). */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new PkiFormatError('MALFORMED_DER', 'Truncated DER element');
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) throw new PkiFormatError('MALFORMED_DER', 'Multi-byte DER tags are not supported');
  let len = bytes[offset + 1];
  let valueStart = offset + 2;
  if (len === 0x80) throw new PkiFormatError('MALFORMED_DER', 'Indefinite length is not DER');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || valueStart + n > limit) throw new PkiFormatError('MALFORMED_DER', 'Bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[valueStart + i];
    valueStart += n;
  }
  const end = valueStart + len;
  if (end > limit) throw new PkiFormatError('MALFORMED_DER', 'DER element runs past its container');
  return { tag, start: offset, valueStart, end };
}

/** The children of a constructed TLV. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.valueStart; p < parent.end;) {
    const t = readTlv(bytes, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

export const tlvBytes = (bytes: Uint8Array, t: Tlv): Uint8Array => bytes.subarray(t.start, t.end);
export const tlvValue = (bytes: Uint8Array, t: Tlv): Uint8Array => bytes.subarray(t.valueStart, t.end);

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

/** One DER element from a tag and already-encoded contents. */
export function der(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(contents);
  return new Uint8Array(Buffer.concat([Uint8Array.of(tag), encodeLength(body.length), body]));
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  context: (n: number, constructed = true) => (constructed ? 0xa0 : 0x80) | n,
} as const;

export const seq = (...items: Uint8Array[]) => der(TAG.SEQUENCE, ...items);

/** DER SET OF: elements sorted by their encodings (X.690 11.6). */
export function setOf(items: Uint8Array[], tag: number = TAG.SET): Uint8Array {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return der(tag, ...sorted);
}

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((p) => BigInt(p));
  if (parts.length < 2) throw new Error(`Bad OID ${dotted}`);
  const arcs = [parts[0] * 40n + parts[1], ...parts.slice(2)];
  const out: number[] = [];
  for (const arc of arcs) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) group.unshift(Number((v & 0x7fn) | 0x80n));
    out.push(...group);
  }
  return der(TAG.OID, Uint8Array.from(out));
}

export function decodeOid(value: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of value) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  if (arcs.length === 0) throw new PkiFormatError('MALFORMED_DER', 'Empty OID');
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}

export const smallInteger = (n: number): Uint8Array => der(TAG.INTEGER, Uint8Array.of(n));
export const octetString = (b: Uint8Array): Uint8Array => der(TAG.OCTET_STRING, b);
export const NULL_DER = Uint8Array.of(TAG.NULL, 0);

/** YYYYMMDDHHmmss of a date in UTC. */
const timeDigits = (d: Date): string => d.toISOString().slice(0, 19).replace(/[-:T]/g, '');

/** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5, RFC 5652 11.3). */
export function time(d: Date): Uint8Array {
  const digits = `${timeDigits(d)}Z`;
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return der(TAG.UTC_TIME, Buffer.from(digits.slice(2), 'latin1'));
  return der(TAG.GENERALIZED_TIME, Buffer.from(digits, 'latin1'));
}

/** GeneralizedTime (OCSP and TSTInfo always use it, RFC 6960 4.2.2.1, RFC 3161 2.4.2). */
export function generalizedTime(d: Date, withMillis = false): Uint8Array {
  let s = timeDigits(d);
  if (withMillis && d.getUTCMilliseconds() !== 0) s += `.${d.toISOString().slice(20, 23).replace(/0+$/, '')}`;
  return der(TAG.GENERALIZED_TIME, Buffer.from(`${s}Z`, 'latin1'));
}

/** A non-negative INTEGER from hex, bigint or number (minimal encoding, leading 00 when needed). */
export function integer(value: string | bigint | number, tag: number = TAG.INTEGER): Uint8Array {
  let h = typeof value === 'string' ? value.replace(/^0x/i, '').replace(/^0+(?=.)/, '') : BigInt(value).toString(16);
  if (!/^[0-9a-fA-F]+$/.test(h)) throw new PkiFormatError('BAD_INTEGER', `Not a hexadecimal integer: ${value}`);
  if (h.length % 2) h = `0${h}`;
  let bytes = Buffer.from(h, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  return der(tag, bytes);
}

export const boolean = (v: boolean): Uint8Array => der(TAG.BOOLEAN, Uint8Array.of(v ? 0xff : 0));
export const bitString = (bytes: Uint8Array): Uint8Array => der(TAG.BIT_STRING, Uint8Array.of(0), bytes);
export const enumerated = (n: number): Uint8Array => der(TAG.ENUMERATED, Uint8Array.of(n));

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }. */
export function extension(type: string, value: Uint8Array, critical = false): Uint8Array {
  return critical ? seq(oid(type), boolean(true), octetString(value)) : seq(oid(type), octetString(value));
}

/** Reads a UTCTime or GeneralizedTime value (Z form, as DER requires). */
export function decodeTime(tag: number, value: Uint8Array): Date | undefined {
  const s = Buffer.from(value).toString('latin1');
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s);
  if (!m || (tag === TAG.UTC_TIME) !== (m[1].length === 2)) return undefined;
  let year = Number(m[1]);
  if (tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}
