import { children, decodeOid, isMinimalInteger, readTlv, TAG, Tlv, tlvBytes, tlvValue } from '../asn1';

/**
 * Direct DER walks for certificates and names: the hot path of parsing, instead of asn1js/pkijs
 * schema matching (measured ~10x cheaper). Deliberately strict: anything unusual (BER lengths,
 * non-minimal INTEGERs, multi-byte tags, string types or times we do not decode exactly like
 * asn1js) returns undefined and the caller checks the whole encoding is DER (asn1/der.ts
 * assertDer) before falling back to pkijs, so what is accepted and how it reads never changes.
 */
export interface RawNameAttribute {
  type: string;
  value: string;
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** extnValue OCTET STRING contents. */
  value: Uint8Array;
}

export interface RawCertificate {
  der: Uint8Array;
  serial: Uint8Array; // INTEGER contents
  issuerDer: Uint8Array;
  issuer: RawNameAttribute[];
  subjectDer: Uint8Array;
  subject: RawNameAttribute[];
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  extensions: RawExtension[];
}

class Unusual extends Error {}
const unusual = (): never => {
  throw new Unusual();
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LATIN1_STRINGS = new Set([0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1d]);

/** An attribute value as asn1js reads it (valueBlock.value), for the string types we decode identically. */
function stringValue(tag: number, v: Uint8Array): string {
  if (tag === TAG.UTF8_STRING) {
    try {
      return utf8.decode(v);
    } catch {
      return unusual();
    }
  }
  if (LATIN1_STRINGS.has(tag)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  if (tag === 0x1e && v.length % 2 === 0) {
    let s = '';
    for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i] << 8) | v[i + 1]);
    return s;
  }
  return unusual();
}

function oidOf(bytes: Uint8Array, t: Tlv): string {
  const v = tlvValue(bytes, t);
  // arcs past 2^53 or a non-minimal arc: asn1js may print them differently
  if (t.tag !== TAG.OID || v.length === 0 || v.length > 64 || v[v.length - 1] & 0x80) unusual();
  for (let i = 0, run = 0; i < v.length; i++) {
    if (run === 0 && v[i] === 0x80) unusual();
    run = v[i] & 0x80 ? run + 1 : 0;
    if (run > 7) unusual();
  }
  return decodeOid(v);
}

function nameAttributes(bytes: Uint8Array, nameT: Tlv): RawNameAttribute[] {
  if (nameT.tag !== TAG.SEQUENCE) unusual();
  const out: RawNameAttribute[] = [];
  for (const rdn of children(bytes, nameT)) {
    if (rdn.tag !== TAG.SET) unusual();
    const atvs = children(bytes, rdn);
    if (atvs.length === 0) unusual();
    for (const atv of atvs) {
      if (atv.tag !== TAG.SEQUENCE) unusual();
      const parts = children(bytes, atv);
      if (parts.length !== 2) unusual();
      out.push({ type: oidOf(bytes, parts[0]), value: stringValue(parts[1].tag, tlvValue(bytes, parts[1])) });
    }
  }
  return out;
}

/** The attributes of a DER Name, or undefined when it is not plain DER we read like asn1js. */
export function readNameFast(der: Uint8Array): RawNameAttribute[] | undefined {
  try {
    const t = readTlv(der, 0, der.length);
    if (t.end !== der.length) return undefined;
    return nameAttributes(der, t);
  } catch {
    return undefined;
  }
}

/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ only (what asn1js reads the same). */
function timeOf(bytes: Uint8Array, t: Tlv): Date {
  const s = Buffer.from(tlvValue(bytes, t)).toString('latin1');
  const m =
    t.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : t.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
        : null;
  if (!m) return unusual();
  let year = Number(m[1]);
  if (t.tag === TAG.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  const n = m.slice(2).map(Number);
  if (n[0] < 1 || n[0] > 12 || n[1] < 1 || n[1] > 31 || n[2] > 23 || n[3] > 59 || n[4] > 59) unusual();
  return new Date(Date.UTC(year, n[0] - 1, n[1], n[2], n[3], n[4]));
}

/** Parameters absent, NULL or a named curve OID; anything else (RSA-PSS...) is left to pkijs. */
function algorithmIdentifier(bytes: Uint8Array, t: Tlv): void {
  if (t.tag !== TAG.SEQUENCE) unusual();
  const parts = children(bytes, t);
  if (parts.length < 1 || parts.length > 2) unusual();
  oidOf(bytes, parts[0]);
  const p = parts[1];
  if (p && !(p.tag === TAG.NULL && p.end === p.valueStart) && p.tag !== TAG.OID) unusual();
  if (p?.tag === TAG.OID) oidOf(bytes, p);
}

/** A BIT STRING asn1js accepts: an unused-bits octet of 0-7 (0 when empty). */
function bitString(bytes: Uint8Array, t: Tlv): void {
  if (
    t.tag !== TAG.BIT_STRING ||
    t.end - t.valueStart < 1 ||
    bytes[t.valueStart] > 7 ||
    (t.end - t.valueStart === 1 && bytes[t.valueStart] !== 0)
  )
    unusual();
}

function extensionsOf(bytes: Uint8Array, wrapper: Tlv): RawExtension[] {
  const [list, extra] = children(bytes, wrapper);
  if (!list || extra || list.tag !== TAG.SEQUENCE) unusual();
  return children(bytes, list).map((e) => {
    if (e.tag !== TAG.SEQUENCE) unusual();
    const parts = children(bytes, e);
    let critical = false;
    if (parts.length === 3) {
      const b = tlvValue(bytes, parts[1]);
      if (parts[1].tag !== TAG.BOOLEAN || b.length !== 1 || (b[0] !== 0 && b[0] !== 0xff)) unusual();
      critical = b[0] !== 0;
    } else if (parts.length !== 2) unusual();
    const valueT = parts[parts.length - 1];
    if (valueT.tag !== TAG.OCTET_STRING) unusual();
    return { oid: oidOf(bytes, parts[0]), critical, value: tlvValue(bytes, valueT) };
  });
}

/** The fields of a plain DER certificate, or undefined when pkijs must decide. `der` is the element only. */
export function readCertificateFast(input: Uint8Array): RawCertificate | undefined {
  try {
    const top = readTlv(input, 0, input.length);
    const der = new Uint8Array(input.subarray(0, top.end)); // own copy: never alias the caller's buffer
    if (top.tag !== TAG.SEQUENCE) unusual();
    const outer = children(der, top);
    if (outer.length !== 3 || outer[0].tag !== TAG.SEQUENCE) unusual();
    bitString(der, outer[2]);
    algorithmIdentifier(der, outer[1]);
    const items = children(der, outer[0]);
    let i = 0;
    if (items[i]?.tag === TAG.context(0)) {
      const [v, extra] = children(der, items[i++]);
      if (!v || extra || v.tag !== TAG.INTEGER || !isMinimalInteger(tlvValue(der, v))) unusual();
    }
    const serialT = items[i++];
    if (serialT?.tag !== TAG.INTEGER || !isMinimalInteger(tlvValue(der, serialT))) unusual();
    algorithmIdentifier(der, items[i++] ?? unusual());
    const issuerT = items[i++] ?? unusual();
    const validityT = items[i++] ?? unusual();
    const subjectT = items[i++] ?? unusual();
    const spkiT = items[i++] ?? unusual();
    if (validityT.tag !== TAG.SEQUENCE || spkiT.tag !== TAG.SEQUENCE) unusual();
    const times = children(der, validityT);
    if (times.length !== 2) unusual();
    const spkiParts = children(der, spkiT);
    if (spkiParts.length !== 2) unusual();
    bitString(der, spkiParts[1]);
    algorithmIdentifier(der, spkiParts[0]);
    if (items[i]?.tag === 0x81) i++; // issuerUniqueID
    if (items[i]?.tag === 0x82) i++; // subjectUniqueID
    let extensions: RawExtension[] = [];
    if (items[i]?.tag === TAG.context(3)) extensions = extensionsOf(der, items[i++]);
    if (i !== items.length) unusual();
    return {
      der,
      serial: tlvValue(der, serialT),
      issuerDer: tlvBytes(der, issuerT),
      issuer: nameAttributes(der, issuerT),
      subjectDer: tlvBytes(der, subjectT),
      subject: nameAttributes(der, subjectT),
      notBefore: timeOf(der, times[0]),
      notAfter: timeOf(der, times[1]),
      spki: tlvBytes(der, spkiT),
      extensions,
    };
  } catch {
    return undefined;
  }
}
