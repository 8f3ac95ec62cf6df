import { KeyObject, verify as cryptoVerify } from 'node:crypto';
import { signatureScheme, verifySignature } from './algorithms';
import { publicKeyOf, rememberedVerdict, verdictKey } from './key-cache';
import { AlgorithmId } from '../asn1';
import { children, decodeOid, der, readTlv, TAG, tlvBytes, tlvValue } from '../asn1';

/**
 * Verifying a signature with an issuer's SubjectPublicKeyInfo, for certificates and CRLs: the
 * algorithms RFC 5280 paths meet (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, Ed25519/Ed448, DSA), and DSA
 * parameter inheritance (RFC 5280 6.1.4 (d)-(f), RFC 3279 2.3.2).
 */
export const OID_DSA = '1.2.840.10040.4.1';
const DSA_SIGNATURES: Record<string, string> = {
  '1.2.840.10040.4.3': 'sha1',
  '2.16.840.1.101.3.4.3.1': 'sha224',
  '2.16.840.1.101.3.4.3.2': 'sha256',
};
const MD5_WITH_RSA = '1.2.840.113549.1.1.4';
const MD2_WITH_RSA = '1.2.840.113549.1.1.2';

export interface SignatureAlgorithmInfo {
  /** Display name, e.g. RSASSA-PKCS1-v1_5-SHA256, DSA-SHA1, Ed25519. */
  name: string;
  /** node:crypto digest name (md5, sha1, sha256...), null for EdDSA (no separate digest). */
  digest: string | null;
}

/** What a signature algorithm is, or undefined when we do not support it. */
export function describeSignatureAlgorithm(alg: AlgorithmId): SignatureAlgorithmInfo | undefined {
  if (DSA_SIGNATURES[alg.oid])
    return { name: `DSA-${DSA_SIGNATURES[alg.oid].toUpperCase()}`, digest: DSA_SIGNATURES[alg.oid] };
  if (alg.oid === MD5_WITH_RSA) return { name: 'RSASSA-PKCS1-v1_5-MD5', digest: 'md5' };
  if (alg.oid === MD2_WITH_RSA) return { name: 'RSASSA-PKCS1-v1_5-MD2', digest: 'md2' };
  const s = signatureScheme(alg);
  return s ? { name: s.name, digest: s.digest } : undefined;
}

interface SpkiParts {
  algorithm: AlgorithmId;
  /** The subjectPublicKey BIT STRING element, as encoded. */
  publicKeyDer: Uint8Array;
}

function readSpki(spki: Uint8Array): SpkiParts {
  const [algT, keyT] = children(spki, readTlv(spki));
  const [o, p] = children(spki, algT);
  if (o?.tag !== TAG.OID || keyT?.tag !== TAG.BIT_STRING) throw new Error('Malformed SubjectPublicKeyInfo');
  return {
    algorithm: { oid: decodeOid(tlvValue(spki, o)), params: p ? tlvBytes(spki, p) : undefined },
    publicKeyDer: tlvBytes(spki, keyT),
  };
}

/** lacksDsaParameters by SPKI object (a certificate's SPKI is one object, read on every path check). */
const LACKS_DSA_PARAMETERS = new WeakMap<Uint8Array, boolean>();

/** A DSA key whose parameters are absent (or NULL) must inherit its issuer's (RFC 3279 2.3.2). */
export function lacksDsaParameters(spki: Uint8Array): boolean {
  let lacks = LACKS_DSA_PARAMETERS.get(spki);
  if (lacks === undefined) {
    const { algorithm } = readSpki(spki);
    lacks = algorithm.oid === OID_DSA && (!algorithm.params || algorithm.params[0] === TAG.NULL);
    LACKS_DSA_PARAMETERS.set(spki, lacks);
  }
  return lacks;
}

/** The DSA parameters (Dss-Parms DER) of a key, if it carries them. */
function dsaParameters(spki: Uint8Array): Uint8Array | undefined {
  const { algorithm } = readSpki(spki);
  return algorithm.oid === OID_DSA && algorithm.params && algorithm.params[0] === TAG.SEQUENCE
    ? algorithm.params
    : undefined;
}

/** The SPKI rebuilt with inherited DSA parameters: what node:crypto needs to verify with it. */
function withDsaParameters(spki: Uint8Array, params: Uint8Array): Uint8Array {
  const { publicKeyDer } = readSpki(spki);
  return der(TAG.SEQUENCE, der(TAG.SEQUENCE, der(TAG.OID, encodeDsaOid()), params), publicKeyDer);
}

const DSA_OID_CONTENT = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01);
const encodeDsaOid = () => DSA_OID_CONTENT;

/** The key of a DER SPKI (parsed once per distinct SPKI, see key-cache); throws when unusable. */
export function loadPublicKey(spki: Uint8Array): KeyObject {
  return publicKeyOf(spki);
}

/** Type and size of the key of a DER SPKI; undefined when it cannot be loaded (what uses it reports that). */
export function describeSpki(spki: Uint8Array): KeyDescription | undefined {
  try {
    return describeKey(loadPublicKey(spki));
  } catch {
    return undefined;
  }
}

export interface KeyDescription {
  type: string; // rsa, rsa-pss, dsa, ec, ed25519, ed448
  bits: number;
  curve?: string;
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  secp256k1: 256,
  // RFC 5639, in ETSI TS 119 312 (German and other EU qualified certificates use them)
  brainpoolP256r1: 256,
  brainpoolP256t1: 256,
  brainpoolP320r1: 320,
  brainpoolP320t1: 320,
  brainpoolP384r1: 384,
  brainpoolP384t1: 384,
  brainpoolP512r1: 512,
  brainpoolP512t1: 512,
};

const descriptions = new WeakMap<KeyObject, KeyDescription>();

/** Type and size of a key (memoised per KeyObject: asymmetricKeyDetails builds a new object per call). */
export function describeKey(key: KeyObject): KeyDescription {
  let d = descriptions.get(key);
  if (!d) descriptions.set(key, (d = describeKeyUncached(key)));
  return d;
}

function describeKeyUncached(key: KeyObject): KeyDescription {
  const type = key.asymmetricKeyType ?? 'unknown';
  const d = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') return { type, bits: CURVE_BITS[d.namedCurve ?? ''] ?? 0, curve: d.namedCurve };
  if (type === 'ed25519') return { type, bits: 256 };
  if (type === 'ed448') return { type, bits: 456 };
  return { type, bits: d.modulusLength ?? 0 };
}

export type SignatureVerdict = 'valid' | 'invalid' | 'unsupported-algorithm' | 'unusable-key';

/** Verifies `signature` over `data` with the key in `spki` (DSA parameters already inherited). Never throws. */
export function verifyWithSpki(
  spki: Uint8Array,
  alg: AlgorithmId,
  data: Uint8Array,
  signature: Uint8Array,
): SignatureVerdict {
  const info = describeSignatureAlgorithm(alg);
  if (!info) return 'unsupported-algorithm';
  return rememberedVerdict(
    () => verdictKey(spki, alg.oid, alg.params, data, signature),
    () => computeVerdict(spki, alg, info, data, signature),
  );
}

function computeVerdict(
  spki: Uint8Array,
  alg: AlgorithmId,
  info: SignatureAlgorithmInfo,
  data: Uint8Array,
  signature: Uint8Array,
): SignatureVerdict {
  let key: KeyObject;
  try {
    key = loadPublicKey(spki);
  } catch {
    return 'unusable-key';
  }
  try {
    if (info.digest === null) return cryptoVerify(null, data, key, signature) ? 'valid' : 'invalid';
    if (DSA_SIGNATURES[alg.oid] || alg.oid === MD5_WITH_RSA || alg.oid === MD2_WITH_RSA) {
      if (alg.oid === MD2_WITH_RSA) return 'unsupported-algorithm';
      return cryptoVerify(info.digest, data, key, signature) ? 'valid' : 'invalid';
    }
    const scheme = signatureScheme(alg)!;
    return verifySignature(key, scheme, data, signature) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * The working public key for verifying what path[index] signed (RFC 5280 6.1.4 (d)-(f)): its SPKI,
 * with DSA parameters inherited from the nearest certificate above it (toward the anchor, the
 * last element) that carries them. `path` is leaf first, anchor last.
 */
export function workingPublicKey(path: readonly { publicKeySpki: Uint8Array }[], index: number): Uint8Array {
  const spki = path[index].publicKeySpki;
  try {
    if (!lacksDsaParameters(spki)) return spki;
    for (let j = index + 1; j < path.length; j++) {
      const above = path[j].publicKeySpki;
      const params = dsaParameters(above);
      if (params) return withDsaParameters(spki, params);
      if (!lacksDsaParameters(above)) break; // a non-DSA key above: nothing to inherit (6.1.4 (f))
    }
  } catch {
    // an unreadable SPKI: loading it fails later and is reported there
  }
  return spki;
}
