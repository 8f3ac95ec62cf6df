import { PkiFormatError } from '../errors';
import { children, decodeOid, decodeTime, readTlv, TAG, Tlv, tlvBytes, tlvValue } from './der';

/** Typed DER readers shared by the certificate, CRL, OCSP and RFC 3161 parsers: each throws PkiFormatError(`code`). */

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
    const critical = items.length === 3 && items[1].tag === TAG.BOOLEAN && tlvValue(bytes, items[1])[0] !== 0;
    const valueT = items[items.length - 1];
    if (valueT.tag !== TAG.OCTET_STRING) throw new PkiFormatError(code, 'Bad extension value');
    return { oid: decodeOid(tlvValue(bytes, items[0])), critical, value: tlvValue(bytes, valueT) };
  });
}

/** A time element; throws `code` when it is not a valid DER time. */
export function readTime(bytes: Uint8Array, t: Tlv | undefined, code: string): Date {
  if (!t || (t.tag !== TAG.GENERALIZED_TIME && t.tag !== TAG.UTC_TIME))
    throw new PkiFormatError(code, 'Expected a time');
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
  return Buffer.from(tlvValue(bytes, t))
    .toString('hex')
    .toUpperCase()
    .replace(/^(00)+(?=.)/, '');
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

/** An AlgorithmIdentifier as its OID and the original DER of its parameters (if any). */
export interface AlgorithmId {
  oid: string;
  params?: Uint8Array;
}

export function readAlgorithmId(bytes: Uint8Array, t: Tlv): AlgorithmId {
  const [o, p] = children(bytes, t);
  if (!o || o.tag !== TAG.OID) throw new PkiFormatError('MALFORMED_DER', 'AlgorithmIdentifier without OID');
  return { oid: decodeOid(tlvValue(bytes, o)), params: p ? tlvBytes(bytes, p) : undefined };
}
