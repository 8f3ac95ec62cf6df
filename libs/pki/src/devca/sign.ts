import { RawSigner } from '../signer';
import { OID_ECDSA_WITH_SHA256, OID_SHA256_WITH_RSA } from '../x509/algorithms';
import { bitString, NULL_DER, oid, seq } from '../asn1';

/** AlgorithmIdentifier of a RawSigner's signatures (NULL for RSA, RFC 4055 5; absent for ECDSA, RFC 5758 3.2). */
export function signatureAlgorithmDer(algorithm: RawSigner['algorithm']): Uint8Array {
  return algorithm === 'RSASSA-PKCS1-v1_5-SHA256'
    ? seq(oid(OID_SHA256_WITH_RSA), NULL_DER)
    : seq(oid(OID_ECDSA_WITH_SHA256));
}

/** SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }: the shape of certificates, CRLs and BasicOCSPResponse. */
export async function signStructure(signer: RawSigner, tbs: Uint8Array, extra: Uint8Array[] = []): Promise<Uint8Array> {
  const signature = await signer.sign(tbs);
  return seq(tbs, signatureAlgorithmDer(signer.algorithm), bitString(signature), ...extra);
}
