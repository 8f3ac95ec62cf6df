import { createHash, randomBytes } from 'node:crypto';
import { PkiFormatError } from '../../errors';
import { Certificate } from '../../x509/certificate';
import { certificateParts } from '../../x509/parts';
import { guard, readExtensions, readOid, topLevel } from '../../asn1';
import {
  children,
  der,
  extension,
  NULL_DER,
  octetString,
  oid,
  readTlv,
  seq,
  TAG,
  Tlv,
  tlvBytes,
  tlvValue,
} from '../../asn1';
import { MAX_OCSP_REQUEST_BYTES } from '../../budgets';
import { BoundedCache } from '../../x509/bounded-cache';

export const OCSP_OID = {
  basic: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
  noCheck: '1.3.6.1.5.5.7.48.1.5',
  archiveCutoff: '1.3.6.1.5.5.7.48.1.6',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** RFC 8954 2.1: a nonce is 1 to 32 octets. */
export const OCSP_NONCE_BYTES = 32;

export type OcspHash = 'SHA-1' | 'SHA-256';
const HASH_OID: Record<OcspHash, string> = { 'SHA-1': OCSP_OID.sha1, 'SHA-256': OCSP_OID.sha256 };
const NODE_HASH: Record<string, string> = { [OCSP_OID.sha1]: 'sha1', [OCSP_OID.sha256]: 'sha256' };

/** RFC 6960 4.1.1 CertID, as hex for comparison; `der` is the encoding as built or received. */
export interface CertId {
  hashAlgorithm: string; // OID
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string; // hex, upper case, no leading zero octets
  der: Uint8Array;
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

/** The subjectPublicKey BIT STRING contents without the unused-bits octet (what issuerKeyHash hashes). */
export function publicKeyBits(spki: Uint8Array): Uint8Array {
  const [, bits] = children(spki, readTlv(spki));
  return tlvValue(spki, bits).subarray(1);
}

/** Budget: CertIDs kept built, one per (certificate, issuer, hash). */
export const CERT_ID_CACHE_ENTRIES = 1024;

/**
 * CertIDs by SHA-256 of the certificate and of the issuer, and the hash: a pure function of those
 * (the issuer name as encoded in the certificate, the issuer's key, the serial). Every validation
 * of a document asks about the same certificates: two hashes and a DER each time otherwise.
 */
export const CERT_ID_CACHE = new BoundedCache<string, CertId>(CERT_ID_CACHE_ENTRIES);

/** Requests without a nonce, by the same key: the same bytes each time (the verifier's OCSP cache is keyed by them). */
const PLAIN_REQUESTS = new BoundedCache<string, Uint8Array>(CERT_ID_CACHE_ENTRIES);

const certIdKey = (certificate: Certificate, issuer: Certificate, hash: OcspHash) =>
  `${certificate.sha256Hex}|${issuer.sha256Hex}|${hash}`;

function cachedCertId(certificate: Certificate, issuer: Certificate, hash: OcspHash): CertId {
  return CERT_ID_CACHE.getOrCompute(certIdKey(certificate, issuer, hash), () => {
    const node = NODE_HASH[HASH_OID[hash]];
    // RFC 6960 4.1.1: the issuer name as encoded in the certificate being checked.
    const { issuerDer, serialDer } = certificateParts(certificate);
    const nameHash = createHash(node).update(issuerDer).digest();
    const keyHash = createHash(node).update(publicKeyBits(issuer.publicKeySpki)).digest();
    return {
      hashAlgorithm: HASH_OID[hash],
      issuerNameHash: hexOf(nameHash),
      issuerKeyHash: hexOf(keyHash),
      serialNumber: certificate.serialNumberHex,
      // Built afresh (seq copies): nothing of the certificate's buffer is kept.
      der: seq(seq(oid(HASH_OID[hash]), NULL_DER), octetString(nameHash), octetString(keyHash), serialDer),
    };
  });
}

/** CertID of `certificate` issued by `issuer`; the hash algorithm parameters are NULL as openssl writes them. */
export function certIdFor(certificate: Certificate, issuer: Certificate, hash: OcspHash = 'SHA-256'): CertId {
  return { ...cachedCertId(certificate, issuer, hash) };
}

/** Does `id` (any supported hash) name `certificate` issued by `issuer`? (No DER is built to compare.) */
export function certIdMatches(id: CertId, certificate: Certificate, issuer: Certificate): boolean {
  const hash = (Object.keys(HASH_OID) as OcspHash[]).find((h) => HASH_OID[h] === id.hashAlgorithm);
  if (!hash) return false;
  if (certificate.serialNumberHex !== id.serialNumber) return false;
  const mine = cachedCertId(certificate, issuer, hash);
  return mine.issuerNameHash === id.issuerNameHash && mine.issuerKeyHash === id.issuerKeyHash;
}

export function readCertId(bytes: Uint8Array, t: Tlv | undefined, code: string): CertId {
  if (!t || t.tag !== TAG.SEQUENCE) throw new PkiFormatError(code, 'Bad CertID');
  const [alg, name, key, serial] = children(bytes, t);
  if (
    !alg ||
    alg.tag !== TAG.SEQUENCE ||
    name?.tag !== TAG.OCTET_STRING ||
    key?.tag !== TAG.OCTET_STRING ||
    serial?.tag !== TAG.INTEGER
  )
    throw new PkiFormatError(code, 'Bad CertID');
  return {
    hashAlgorithm: readOid(bytes, children(bytes, alg)[0], code),
    issuerNameHash: hexOf(tlvValue(bytes, name)),
    issuerKeyHash: hexOf(tlvValue(bytes, key)),
    serialNumber: hexOf(tlvValue(bytes, serial)).replace(/^(00)+(?=.)/, ''),
    der: tlvBytes(bytes, t),
  };
}

export interface OcspRequestOptions {
  certificate: Certificate;
  issuer: Certificate;
  hash?: OcspHash; // default SHA-256; SHA-1 for responders that know nothing else
  /** true (default): a fresh random nonce; false: none; bytes: this nonce. */
  nonce?: boolean | Uint8Array;
}

export interface OcspRequest {
  der: Uint8Array;
  certId: CertId;
  nonce?: Uint8Array;
}

/** RFC 6960 4.1.1 OCSPRequest for one certificate, unsigned, with the RFC 8954 nonce extension. */
export function buildOcspRequest(opts: OcspRequestOptions): OcspRequest {
  const certId = certIdFor(opts.certificate, opts.issuer, opts.hash);
  if (opts.nonce === false) {
    const key = certIdKey(opts.certificate, opts.issuer, opts.hash ?? 'SHA-256');
    return { der: PLAIN_REQUESTS.getOrCompute(key, () => seq(seq(seq(seq(certId.der))))), certId };
  }
  const nonce =
    opts.nonce === true || opts.nonce === undefined ? new Uint8Array(randomBytes(OCSP_NONCE_BYTES)) : opts.nonce;
  const exts = [der(TAG.context(2), seq(extension(OCSP_OID.nonce, octetString(nonce))))];
  return { der: seq(seq(seq(seq(certId.der)), ...exts)), certId, nonce };
}

export interface ParsedOcspRequest {
  der: Uint8Array;
  certIds: CertId[];
  nonce?: Uint8Array;
}

/** Reads an OCSPRequest (what a responder receives). Throws PkiFormatError OCSP_REQUEST_*. */
export function parseOcspRequest(input: Uint8Array): ParsedOcspRequest {
  const code = 'OCSP_REQUEST_MALFORMED';
  return guard(code, () => {
    const top = topLevel(input, 'OCSP_REQUEST', MAX_OCSP_REQUEST_BYTES);
    const tbs = children(input, top)[0];
    if (!tbs || tbs.tag !== TAG.SEQUENCE) throw new PkiFormatError(code, 'Bad TBSRequest');
    const items = children(input, tbs).filter((c) => c.tag !== TAG.context(0) && c.tag !== TAG.context(1));
    const list = items[0];
    if (!list || list.tag !== TAG.SEQUENCE) throw new PkiFormatError(code, 'Bad requestList');
    const certIds = children(input, list).map((r) => readCertId(input, children(input, r)[0], code));
    if (certIds.length === 0) throw new PkiFormatError(code, 'Empty requestList');
    let nonce: Uint8Array | undefined;
    const extT = items[1];
    if (extT?.tag === TAG.context(2)) {
      const found = readExtensions(input, readTlv(input, extT.valueStart, extT.end), code).find(
        (e) => e.oid === OCSP_OID.nonce,
      );
      if (found) nonce = unwrapNonce(found.value);
    }
    return { der: input, certIds, nonce };
  });
}

/** RFC 8954: the extnValue holds an OCTET STRING; very old responders put the raw bytes there. */
export function unwrapNonce(value: Uint8Array): Uint8Array {
  try {
    const t = readTlv(value);
    if (t.tag === TAG.OCTET_STRING && t.end === value.length) return tlvValue(value, t);
  } catch {
    // fall through: raw nonce bytes
  }
  return value;
}
