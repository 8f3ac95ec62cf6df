import { PkiFormatError } from '../../errors';
import { children, decodeOid, decodeTime, der, oid, readTlv, seq, TAG, Tlv, tlvValue } from '../../x509/tlv';

/**
 * Small DER pieces OCSP, CRLs and RFC 3161 share (the x509/tlv helpers cover the rest). Shared
 * with tsp/ and devca/; a candidate to move into x509/tlv.ts.
 */
export const TAG_BOOLEAN = 0x01;
export const TAG_BIT_STRING = 0x03;
export const TAG_ENUMERATED = 0x0a;

/** GeneralizedTime (OCSP and TSTInfo always use it, RFC 6960 4.2.2.1, RFC 3161 2.4.2). */
export function generalizedTime(d: Date, withMillis = false): Uint8Array {
  const iso = d.toISOString();
  let s = iso.slice(0, 19).replace(/[-:T]/g, '');
  if (withMillis && d.getUTCMilliseconds() !== 0) s += `.${iso.slice(20, 23).replace(/0+$/, '')}`;
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

export const boolean = (v: boolean): Uint8Array => der(TAG_BOOLEAN, Uint8Array.of(v ? 0xff : 0));
export const bitString = (bytes: Uint8Array): Uint8Array => der(TAG_BIT_STRING, Uint8Array.of(0), bytes);

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }. */
export function extension(type: string, value: Uint8Array, critical = false): Uint8Array {
  return critical ? seq(oid(type), boolean(true), der(TAG.OCTET_STRING, value)) : seq(oid(type), der(TAG.OCTET_STRING, value));
}

export interface ParsedExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** Reads a SEQUENCE OF Extension (the inner SEQUENCE TLV). */
export function readExtensions(bytes: Uint8Array, t: Tlv, code: string): ParsedExtension[] {
  return children(bytes, t).map((e) => {
    const items = children(bytes, e);
    if (items.length < 2 || items[0].tag !== TAG.OID) throw new PkiFormatError(code, 'Bad extension');
    const critical = items.length === 3 && items[1].tag === TAG_BOOLEAN && tlvValue(bytes, items[1])[0] !== 0;
    const valueT = items[items.length - 1];
    if (valueT.tag !== TAG.OCTET_STRING) throw new PkiFormatError(code, 'Bad extension value');
    return { oid: decodeOid(tlvValue(bytes, items[0])), critical, value: tlvValue(bytes, valueT) };
  });
}

/** A time element; throws `code` when it is not a valid DER time. */
export function readTime(bytes: Uint8Array, t: Tlv | undefined, code: string): Date {
  if (!t || (t.tag !== TAG.GENERALIZED_TIME && t.tag !== TAG.UTC_TIME)) throw new PkiFormatError(code, 'Expected a time');
  const d = decodeTime(t.tag, tlvValue(bytes, t));
  if (!d || Number.isNaN(d.getTime())) throw new PkiFormatError(code, 'Bad time value');
  return d;
}

export function readOid(bytes: Uint8Array, t: Tlv | undefined, code: string): string {
  if (!t || t.tag !== TAG.OID) throw new PkiFormatError(code, 'Expected an OBJECT IDENTIFIER');
  return decodeOid(tlvValue(bytes, t));
}

/** An INTEGER's value as upper-case hex without leading zero octets (how Certificate shows serials). */
export function readIntegerHex(bytes: Uint8Array, t: Tlv | undefined, code: string, tag: number = TAG.INTEGER): string {
  if (!t || t.tag !== tag || t.end === t.valueStart) throw new PkiFormatError(code, 'Expected an INTEGER');
  return Buffer.from(tlvValue(bytes, t)).toString('hex').toUpperCase().replace(/^(00)+(?=.)/, '');
}

/**
 * Runs a DER reader: anything it throws becomes a PkiFormatError with `code` (generic DER errors
 * too, so the caller learns which structure was bad); more specific typed errors pass through.
 */
export function guard<T>(code: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof PkiFormatError && e.code !== 'MALFORMED_DER') throw e;
    throw new PkiFormatError(code, (e as Error)?.message ?? String(e));
  }
}

/** The one top-level element of `input`, refusing trailing bytes. */
export function topLevel(input: Uint8Array, code: string, maxBytes: number): Tlv {
  if (input.length === 0) throw new PkiFormatError(`${code}_EMPTY`, 'The input is empty');
  if (input.length > maxBytes) throw new PkiFormatError(`${code}_TOO_LARGE`, `The input exceeds ${maxBytes} bytes`);
  const t = readTlv(input);
  if (t.end !== input.length) throw new PkiFormatError(`${code}_TRAILING_DATA`, 'Data after the structure');
  if (t.tag !== TAG.SEQUENCE) throw new PkiFormatError(`${code}_MALFORMED`, 'Not a SEQUENCE');
  return t;
}

