import { PkiFormatError } from '../errors';
import { TAG } from './der';

/** DER writers: what the dev CA, TSA, OCSP responder and CMS builder encode (always DER, X.690 10). */

export function encodeLength(n: number): Uint8Array {
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

export const seq = (...items: Uint8Array[]) => der(TAG.SEQUENCE, ...items);

/** DER SET OF: elements sorted by their encodings (X.690 11.6). */
export function setOf(items: Uint8Array[], tag: number = TAG.SET): Uint8Array {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return der(tag, ...sorted);
}

/** Encoded OIDs by dotted form: the same few are written for every OCSP CertID and CMS built. */
const oidCache = new Map<string, Uint8Array>();
const OID_CACHE_MAX = 512;

export function oid(dotted: string): Uint8Array {
  let encoded = oidCache.get(dotted);
  if (!encoded) {
    encoded = encodeOid(dotted);
    if (oidCache.size < OID_CACHE_MAX) oidCache.set(dotted, encoded);
  }
  // A copy: callers own what they are given.
  return encoded.slice();
}

function encodeOid(dotted: string): Uint8Array {
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
