import { createPublicKey } from 'node:crypto';
import { KeyStoreError } from './errors';
import type { DigestAlgorithm } from './key-store';

/** DigestInfo prefix for SHA-256 (RFC 8017 section 9.2, note 1): prepend to the 32-byte hash for RSA_PKCS. */
export const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** DigestInfo prefixes (RFC 8017 section 9.2, note 1) and digest lengths of the digests sign-hash accepts. */
const DIGESTS: Record<DigestAlgorithm, { prefix: Buffer; length: number }> = {
  'SHA-256': { prefix: SHA256_DIGEST_INFO_PREFIX, length: 32 },
  'SHA-384': { prefix: Buffer.from('3041300d060960864801650304020205000430', 'hex'), length: 48 },
  'SHA-512': { prefix: Buffer.from('3051300d060960864801650304020305000440', 'hex'), length: 64 },
};

/** The digest as a Buffer, checked against its algorithm's length (INVALID_DIGEST otherwise). */
export function checkedDigest(hashAlgorithm: DigestAlgorithm, digest: Uint8Array): Buffer {
  const d = DIGESTS[hashAlgorithm];
  if (!d) throw new KeyStoreError('INVALID_DIGEST', `Unsupported digest algorithm ${String(hashAlgorithm)}`);
  if (digest.length !== d.length)
    throw new KeyStoreError('INVALID_DIGEST', `A ${hashAlgorithm} digest has ${d.length} bytes, not ${digest.length}`);
  return Buffer.from(digest);
}

/** DER DigestInfo { algorithm, digest }: what RSASSA-PKCS1-v1_5 (CKM_RSA_PKCS) signs. */
export function digestInfo(hashAlgorithm: DigestAlgorithm, digest: Uint8Array): Buffer {
  return Buffer.concat([DIGESTS[hashAlgorithm].prefix, checkedDigest(hashAlgorithm, digest)]);
}

/** DER of the named-curve OID prime256v1 (1.2.840.10045.3.1.7), the CKA_EC_PARAMS of a P-256 key. */
export const P256_EC_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

function derInteger(unsigned: Uint8Array): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  let v = Buffer.from(unsigned.subarray(i));
  // A set high bit would read as negative: prefix 0x00.
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02, v.length]), v]);
}

/** PKCS#11 ECDSA returns raw r || s; CMS and X.509 carry SEQUENCE { INTEGER r, INTEGER s } (RFC 3279). */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0)
    throw new KeyStoreError('TOKEN_ERROR', `ECDSA signature of odd length ${raw.length}`);
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  // r and s of P-256 are at most 33 bytes each: the body is under 128 bytes, a short-form length.
  if (body.length > 127)
    throw new KeyStoreError('UNSUPPORTED_ALGORITHM', 'ECDSA signatures over 127 bytes are not supported');
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** SubjectPublicKeyInfo DER from an RSA modulus and public exponent (unsigned big-endian). */
export function rsaSpki(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  const strip = (b: Uint8Array): Uint8Array => (b.length > 1 && b[0] === 0 ? strip(b.subarray(1)) : b);
  const key = createPublicKey({
    key: { kty: 'RSA', n: b64url(strip(modulus)), e: b64url(strip(exponent)) },
    format: 'jwk',
  });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/**
 * SubjectPublicKeyInfo DER from a P-256 CKA_EC_POINT. PKCS#11 says the point is a DER OCTET STRING
 * (04 41 04 x y); some libraries return the bare uncompressed point: accept both.
 */
export function p256Spki(ecPoint: Uint8Array): Uint8Array {
  let point = ecPoint;
  if (point.length === 67 && point[0] === 0x04 && point[1] === 0x41) point = point.subarray(2);
  if (point.length !== 65 || point[0] !== 0x04)
    throw new KeyStoreError('UNSUPPORTED_ALGORITHM', 'Not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) },
    format: 'jwk',
  });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}
