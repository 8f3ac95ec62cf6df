import { Certificate } from './certificate';
import { children, decodeOid, readTlv, TAG, Tlv, tlvBytes, tlvValue } from './tlv';

/** An AlgorithmIdentifier as its OID and the original DER of its parameters (if any). */
export interface AlgorithmId {
  oid: string;
  params?: Uint8Array;
}

export function readAlgorithmId(bytes: Uint8Array, t: Tlv): AlgorithmId {
  const [o, p] = children(bytes, t);
  if (!o || o.tag !== TAG.OID) throw new Error('AlgorithmIdentifier without OID');
  return { oid: decodeOid(tlvValue(bytes, o)), params: p ? tlvBytes(bytes, p) : undefined };
}

/** The pieces of a certificate as they are encoded: what signatures and CMS identifiers use. */
export interface CertificateParts {
  tbs: Uint8Array;
  serialDer: Uint8Array; // the whole INTEGER element
  issuerDer: Uint8Array; // the whole Name element
  signatureAlgorithm: AlgorithmId;
  signatureValue: Uint8Array; // BIT STRING contents without the unused-bits octet
}

const cache = new WeakMap<Certificate, CertificateParts>();

export function certificateParts(cert: Certificate): CertificateParts {
  const hit = cache.get(cert);
  if (hit) return hit;
  const b = cert.der;
  const [tbsT, algT, sigT] = children(b, readTlv(b));
  const tbsItems = children(b, tbsT);
  const i = tbsItems[0].tag === TAG.context(0) ? 1 : 0; // optional [0] version
  const parts: CertificateParts = {
    tbs: tlvBytes(b, tbsT),
    serialDer: tlvBytes(b, tbsItems[i]),
    issuerDer: tlvBytes(b, tbsItems[i + 2]),
    signatureAlgorithm: readAlgorithmId(b, algT),
    signatureValue: tlvValue(b, sigT).subarray(1),
  };
  cache.set(cert, parts);
  return parts;
}
