import { constants, createPublicKey, createVerify, KeyObject, verify as cryptoVerify } from 'node:crypto';
import { publicKeyOf, rememberedVerdict, verdictKey } from './key-cache';
import { AlgorithmId } from '../asn1';
import { children, decodeOid, oid, readTlv, seq, TAG, tlvBytes, tlvValue } from '../asn1';

/** Digest algorithms by OID, as node:crypto names them. */
export const DIGESTS: Record<string, { node: string; name: string }> = {
  '1.3.14.3.2.26': { node: 'sha1', name: 'SHA-1' },
  '2.16.840.1.101.3.4.2.4': { node: 'sha224', name: 'SHA-224' },
  '2.16.840.1.101.3.4.2.1': { node: 'sha256', name: 'SHA-256' },
  '2.16.840.1.101.3.4.2.2': { node: 'sha384', name: 'SHA-384' },
  '2.16.840.1.101.3.4.2.3': { node: 'sha512', name: 'SHA-512' },
  // SHA-3 (FIPS 202; RFC 8702 for CMS), in ETSI TS 119 312 and used by EU signers (DSS reads them).
  '2.16.840.1.101.3.4.2.7': { node: 'sha3-224', name: 'SHA3-224' },
  '2.16.840.1.101.3.4.2.8': { node: 'sha3-256', name: 'SHA3-256' },
  '2.16.840.1.101.3.4.2.9': { node: 'sha3-384', name: 'SHA3-384' },
  '2.16.840.1.101.3.4.2.10': { node: 'sha3-512', name: 'SHA3-512' },
};
/** How a digest appears in a signature algorithm's name: SHA256, SHA3-256. */
const digestSuffix = (name: string) => name.replace(/^SHA-/, 'SHA');
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

const RSA_PKCS1: Record<string, string> = {
  '1.2.840.113549.1.1.5': '1.3.14.3.2.26',
  '1.2.840.113549.1.1.14': '2.16.840.1.101.3.4.2.4',
  '1.2.840.113549.1.1.11': '2.16.840.1.101.3.4.2.1',
  '1.2.840.113549.1.1.12': '2.16.840.1.101.3.4.2.2',
  '1.2.840.113549.1.1.13': '2.16.840.1.101.3.4.2.3',
  '2.16.840.1.101.3.4.3.13': '2.16.840.1.101.3.4.2.7',
  '2.16.840.1.101.3.4.3.14': '2.16.840.1.101.3.4.2.8',
  '2.16.840.1.101.3.4.3.15': '2.16.840.1.101.3.4.2.9',
  '2.16.840.1.101.3.4.3.16': '2.16.840.1.101.3.4.2.10',
};
const ECDSA: Record<string, string> = {
  '1.2.840.10045.4.1': '1.3.14.3.2.26',
  '1.2.840.10045.4.3.1': '2.16.840.1.101.3.4.2.4',
  '1.2.840.10045.4.3.2': '2.16.840.1.101.3.4.2.1',
  '1.2.840.10045.4.3.3': '2.16.840.1.101.3.4.2.2',
  '1.2.840.10045.4.3.4': '2.16.840.1.101.3.4.2.3',
  '2.16.840.1.101.3.4.3.9': '2.16.840.1.101.3.4.2.7',
  '2.16.840.1.101.3.4.3.10': '2.16.840.1.101.3.4.2.8',
  '2.16.840.1.101.3.4.3.11': '2.16.840.1.101.3.4.2.9',
  '2.16.840.1.101.3.4.3.12': '2.16.840.1.101.3.4.2.10',
};
/** BSI TR-03111 5.2.1 ecdsa-plain-*: the signature is r‖s (IEEE P1363), not a DER SEQUENCE. */
const ECDSA_PLAIN: Record<string, string> = {
  '0.4.0.127.0.7.1.1.4.1.1': '1.3.14.3.2.26',
  '0.4.0.127.0.7.1.1.4.1.2': '2.16.840.1.101.3.4.2.4',
  '0.4.0.127.0.7.1.1.4.1.3': '2.16.840.1.101.3.4.2.1',
  '0.4.0.127.0.7.1.1.4.1.4': '2.16.840.1.101.3.4.2.2',
  '0.4.0.127.0.7.1.1.4.1.5': '2.16.840.1.101.3.4.2.3',
};
/** RFC 8410 / RFC 8419: EdDSA signs the data itself, no separate digest. */
const EDDSA: Record<string, string> = { '1.3.101.112': 'Ed25519', '1.3.101.113': 'Ed448' };
/** RFC 8419 3.1: the CMS digestAlgorithm with each: SHA-512 for Ed25519, SHAKE256 (id-shake256-len or id-shake256) for Ed448. */
const EDDSA_CMS_DIGESTS: Record<string, readonly string[]> = {
  '1.3.101.112': ['2.16.840.1.101.3.4.2.3'],
  '1.3.101.113': ['2.16.840.1.101.3.4.2.18', '2.16.840.1.101.3.4.2.12'],
};
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_MGF1 = '1.2.840.113549.1.1.8';
const OID_SHA1 = '1.3.14.3.2.26';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/** How to check one signature: node:crypto digest, padding and a display name. */
export interface SignatureScheme {
  digest: string | null; // node name; null for EdDSA (the data is signed as it is)
  name: string; // e.g. RSASSA-PKCS1-v1_5-SHA256, RSASSA-PSS-SHA256, ECDSA-SHA256
  padding?: number;
  saltLength?: number;
  /** ECDSA signature encoding: DER ECDSA-Sig-Value (default) or plain r‖s. */
  dsaEncoding?: 'der' | 'ieee-p1363';
  /** RSASSA-PSS whose MGF1 hash is not the message hash: its RSASSA-PSS-params DER (see verifySignature). */
  pssParams?: Uint8Array;
}

/**
 * Resolves a signature AlgorithmIdentifier. `digestOid` is the CMS digestAlgorithm, needed when
 * the signature algorithm is plain rsaEncryption or id-ecPublicKey (RFC 5754 allows both).
 */
export function signatureScheme(alg: AlgorithmId, digestOid?: string): SignatureScheme | undefined {
  const suffix = (oid: string | undefined) => (oid && DIGESTS[oid] ? digestSuffix(DIGESTS[oid].name) : undefined);
  if (RSA_PKCS1[alg.oid])
    return { digest: DIGESTS[RSA_PKCS1[alg.oid]].node, name: `RSASSA-PKCS1-v1_5-${suffix(RSA_PKCS1[alg.oid])}` };
  if (ECDSA[alg.oid]) return { digest: DIGESTS[ECDSA[alg.oid]].node, name: `ECDSA-${suffix(ECDSA[alg.oid])}` };
  if (ECDSA_PLAIN[alg.oid]) {
    const d = ECDSA_PLAIN[alg.oid];
    return { digest: DIGESTS[d].node, name: `ECDSA-PLAIN-${suffix(d)}`, dsaEncoding: 'ieee-p1363' };
  }
  if (EDDSA[alg.oid]) {
    // In a CMS (digestOid given) another digest is no EdDSA signature RFC 8419 defines (pyHanko refuses it too).
    if (digestOid !== undefined && !EDDSA_CMS_DIGESTS[alg.oid].includes(digestOid)) return undefined;
    return { digest: null, name: EDDSA[alg.oid] };
  }
  if ((alg.oid === OID_RSA_ENCRYPTION || alg.oid === OID_EC_PUBLIC_KEY) && digestOid && DIGESTS[digestOid]) {
    const kind = alg.oid === OID_RSA_ENCRYPTION ? 'RSASSA-PKCS1-v1_5' : 'ECDSA';
    return { digest: DIGESTS[digestOid].node, name: `${kind}-${suffix(digestOid)}` };
  }
  if (alg.oid === OID_RSA_PSS) return pssScheme(alg.params);
  return undefined;
}

/** The hash OID of an AlgorithmIdentifier element at `el` (its first child). */
function algorithmOid(b: Uint8Array, el: { valueStart: number; end: number }): string {
  return decodeOid(tlvValue(b, readTlv(b, el.valueStart, el.end)));
}

/**
 * RSASSA-PSS-params (RFC 4055 3.1): hash [0] (default SHA-1), mask generation [1] (default
 * MGF1 with SHA-1, whatever the hash: openssl omits it then), salt length [2] (default 20),
 * trailer field [3] (only 1 is defined). Anything else is unsupported rather than guessed.
 */
function pssScheme(params: Uint8Array | undefined): SignatureScheme | undefined {
  let hashOid = OID_SHA1;
  let mgf1HashOid = OID_SHA1;
  let saltLength = 20;
  const int = (b: Uint8Array) => b.reduce((n, x) => n * 256 + x, 0);
  if (params && params[0] === TAG.SEQUENCE) {
    for (const c of children(params, readTlv(params))) {
      const inner = readTlv(params, c.valueStart, c.end);
      if (c.tag === TAG.context(0)) hashOid = algorithmOid(params, inner);
      if (c.tag === TAG.context(1)) {
        const [mgf, mgfHash] = children(params, inner);
        if (decodeOid(tlvValue(params, mgf)) !== OID_MGF1 || !mgfHash) return undefined;
        mgf1HashOid = algorithmOid(params, mgfHash);
      }
      if (c.tag === TAG.context(2)) saltLength = int(tlvValue(params, inner));
      if (c.tag === TAG.context(3) && int(tlvValue(params, inner)) !== 1) return undefined;
    }
  }
  const d = DIGESTS[hashOid];
  if (!d || !DIGESTS[mgf1HashOid]) return undefined;
  return {
    digest: d.node,
    name: `RSASSA-PSS-${digestSuffix(d.name)}`,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength,
    ...(mgf1HashOid !== hashOid && params ? { pssParams: params } : {}),
  };
}

/**
 * node:crypto's PSS verification takes MGF1 with the message hash; another MGF1 hash is only
 * honoured through an id-RSASSA-PSS key restricted to the signature's parameters (OpenSSL then
 * applies them all), built here from the same public key.
 */
function pssRestrictedKey(key: KeyObject, params: Uint8Array): KeyObject {
  const spki = key.export({ type: 'spki', format: 'der' });
  const publicKey = children(spki, readTlv(spki))[1];
  return createPublicKey({
    key: Buffer.from(seq(seq(oid(OID_RSA_PSS), params), tlvBytes(spki, publicKey))),
    format: 'der',
    type: 'spki',
  });
}

/** The key of a DER SPKI, parsed once per distinct SPKI (key-cache); throws when unusable. */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  return publicKeyOf(spki);
}

/**
 * verifySignature with the key given as SPKI, the verdict remembered in SIGNATURE_VERDICT_CACHE by
 * every input (the key, the whole scheme, the data, the signature): for a signature each validation
 * of the same document checks again (a CMS signer's signed attributes). Throws like
 * publicKeyFromSpki for an unusable key.
 */
export function verifySignatureRemembered(
  spki: Uint8Array,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const { pssParams, ...rest } = scheme;
  // Never an OID, so never the key of a checkSignature verdict.
  const id = () =>
    verdictKey(spki, `scheme:${pssParams ? 'pss' : ''}:${JSON.stringify(rest)}`, pssParams, data, signature);
  const verdict = () => (verifySignature(publicKeyFromSpki(spki), scheme, data, signature) ? 'valid' : 'invalid');
  return rememberedVerdict(id, verdict) === 'valid';
}

/** Verifies a signature over data given as chunks (hashed streaming). Never throws for a bad signature. */
export function verifySignature(
  key: KeyObject,
  scheme: SignatureScheme,
  data: Uint8Array | readonly Uint8Array[],
  signature: Uint8Array,
): boolean {
  try {
    const pssKey = scheme.pssParams ? pssRestrictedKey(key, scheme.pssParams) : key;
    const k =
      scheme.padding !== undefined
        ? { key: pssKey, padding: scheme.padding, saltLength: scheme.saltLength }
        : scheme.dsaEncoding
          ? { key, dsaEncoding: scheme.dsaEncoding }
          : key;
    // EdDSA has no streaming form: it needs the message in one piece
    if (scheme.digest === null)
      return cryptoVerify(null, data instanceof Uint8Array ? data : Buffer.concat(data), key, signature);
    // one buffer: the one-shot call avoids a Verify object; chunks are hashed as a stream, never joined
    if (data instanceof Uint8Array) return cryptoVerify(scheme.digest, data, k, signature);
    const v = createVerify(scheme.digest);
    for (const chunk of data) v.update(chunk);
    return v.verify(k, signature);
  } catch {
    return false;
  }
}
