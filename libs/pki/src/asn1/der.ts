import { PkiFormatError } from '../errors';

/**
 * The strict DER reader (X.690 10): what certificates, CRLs, OCSP responses and TSTInfo must be.
 * It walks the bytes in place, so the original encoding of every element stays available
 * (issuer names, serial numbers, tbsCertificate) and signatures are checked over it, never over a
 * re-encoding. CMS is BER and is read by ber.ts instead.
 */
export interface Tlv {
  tag: number; // the first identifier octet (single-byte tags only)
  start: number; // offset of the tag octet
  valueStart: number;
  end: number; // exclusive
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

/** Budget: nesting depth assertDer follows (a certificate needs about 10). */
export const MAX_DER_DEPTH = 48;

const notDer = (message: string): never => {
  throw new PkiFormatError('MALFORMED_DER', message);
};

/**
 * Reads one TLV at `offset`: definite lengths in their shortest form only (X.690 10.1), so that
 * one value has one encoding.
 */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  if (offset + 2 > limit) notDer('Truncated DER element');
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) notDer('Multi-byte DER tags are not supported');
  let len = bytes[offset + 1];
  let valueStart = offset + 2;
  if (len === 0x80) notDer('Indefinite length is not DER');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || valueStart + n > limit) notDer('Bad DER length');
    if (bytes[valueStart] === 0) notDer('Length with a leading zero octet is not DER');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[valueStart + i];
    if (len < 0x80) notDer('Long-form length of a short value is not DER');
    valueStart += n;
  }
  const end = valueStart + len;
  if (end > limit) notDer('DER element runs past its container');
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

/** INTEGER contents in their shortest two's-complement form (X.690 8.3.2): no redundant 00 or FF. */
export function isMinimalInteger(v: Uint8Array): boolean {
  if (v.length === 0) return false;
  if (v.length === 1) return true;
  return !((v[0] === 0 && v[1] < 0x80) || (v[0] === 0xff && v[1] >= 0x80));
}

/** The primitive universal types and what DER requires of their contents. */
function checkPrimitive(tag: number, v: Uint8Array): void {
  switch (tag) {
    case TAG.BOOLEAN:
      if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) notDer('BOOLEAN is not 00 or FF (X.690 11.1)');
      break;
    case TAG.INTEGER:
    case TAG.ENUMERATED:
      if (!isMinimalInteger(v)) notDer('INTEGER is empty or has a redundant leading octet (X.690 8.3.2)');
      break;
    case TAG.NULL:
      if (v.length !== 0) notDer('NULL with contents');
      break;
    case TAG.BIT_STRING:
      if (v.length === 0 || v[0] > 7 || (v.length === 1 && v[0] !== 0)) notDer('Bad BIT STRING unused-bits octet');
      break;
    case TAG.UTC_TIME:
    case TAG.GENERALIZED_TIME:
      // RFC 5280 4.1.2.5 / 5.1.2.4: whole seconds in Zulu time; UTCTime YYMMDDHHMMSSZ.
      if (!(tag === TAG.UTC_TIME ? /^\d{12}Z$/ : /^\d{14}Z$/).test(Buffer.from(v).toString('latin1')))
        notDer('time not in DER form (whole seconds, Z)');
      break;
    case TAG.OID:
      if (v.length === 0 || v[v.length - 1] & 0x80) notDer('Truncated OBJECT IDENTIFIER');
      for (let i = 0; i < v.length; i++)
        if (v[i] === 0x80 && (i === 0 || !(v[i - 1] & 0x80))) notDer('OBJECT IDENTIFIER arc with a leading 0x80');
      break;
  }
}

/**
 * Throws MALFORMED_DER unless `bytes` is one DER element throughout: definite minimal lengths,
 * strings in primitive form (X.690 10.2), and minimal INTEGERs, BOOLEAN as 00/FF, well-formed
 * NULL, BIT STRING, OID and times (whole seconds, Z: RFC 5280's profile of DER) at every level.
 * Contents of OCTET and BIT STRINGs are not entered (extension values are read, strictly, where
 * they are used). Not checked: SET OF order. For certificates and CRLs, not for TSTInfo (whose
 * genTime may carry fractions).
 */
export function assertDer(bytes: Uint8Array): void {
  const top = readTlv(bytes);
  if (top.end !== bytes.length) notDer('Data after the DER element');
  walk(bytes, top, 0);
}

function walk(bytes: Uint8Array, t: Tlv, depth: number): void {
  if (depth > MAX_DER_DEPTH) notDer('DER nesting too deep');
  if (t.tag & 0x20) {
    // Universal constructed types are SEQUENCE and SET only: constructed strings are BER.
    if ((t.tag & 0xc0) === 0 && t.tag !== TAG.SEQUENCE && t.tag !== TAG.SET) notDer('Constructed string is not DER');
    for (const c of children(bytes, t)) walk(bytes, c, depth + 1);
  } else if ((t.tag & 0xc0) === 0) checkPrimitive(t.tag, tlvValue(bytes, t));
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
