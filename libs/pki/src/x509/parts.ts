import { Certificate } from './certificate';
import { AlgorithmId, children, readAlgorithmId, readTlv, TAG, tlvBytes, tlvValue } from '../asn1';

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
