import { Certificate } from '../x509/certificate';
import { certificateParts } from '../x509/parts';
import {
  describeSpki,
  describeSignatureAlgorithm,
  KeyDescription,
  SignatureAlgorithmInfo,
  workingPublicKey,
} from '../x509/signature-check';

/**
 * Cryptographic constraints as data (style rule 5): which digests and key sizes are refused, and
 * from when. A rule applies to signatures relied upon at or after `from` (the validation time);
 * without `from` it applies always. Checked for every certificate and CRL signature of a path.
 */
export interface AlgorithmRule {
  /** A digest refused (node name: md5, sha1...). */
  digest?: string;
  /** Or: keys of this type (rsa, dsa, ec...) shorter than `minBits`. */
  keyType?: string;
  minBits?: number;
  /** ISO 8601; absent = always. */
  from?: string;
}

export interface AlgorithmPolicy {
  id: string;
  rules: AlgorithmRule[];
}

/**
 * The product default, as dates after which an algorithm no longer proves anything (ETSI EN 319
 * 102-1 5.2.8: judged at the proof-of-existence time of what it signed):
 * - MD2 never; MD5 not after 2004 (practical collisions in 2004-2005; EU DSS's default policy);
 * - SHA-1 and RSA/DSA keys below 2048 bits not after 2018: ETSI TS 119 312 V1.3.1 (2019-02) and
 *   the SOG-IS Agreed Cryptographic Mechanisms v1.2 no longer recommend them for signatures (SHA-1
 *   collisions became real with SHAttered in 2017), and Vietnamese CA profiles had moved to
 *   SHA-256 and RSA-2048 by then;
 * - EC keys below 256 bits never (TS 119 312 lists P-256 and up).
 * The same rules apply to the CMS signature (its digests, signature algorithm and the signer's
 * key) and to every certificate signature and key of the path, the leaf's own key included.
 */
export const STRICT_ALGORITHM_POLICY: AlgorithmPolicy = {
  id: 'kyso-strict-2026',
  rules: [
    { digest: 'md2' },
    { digest: 'md5', from: '2005-01-01T00:00:00Z' },
    { digest: 'sha1', from: '2019-01-01T00:00:00Z' },
    { keyType: 'rsa', minBits: 2048, from: '2019-01-01T00:00:00Z' },
    { keyType: 'rsa-pss', minBits: 2048, from: '2019-01-01T00:00:00Z' },
    { keyType: 'dsa', minBits: 2048, from: '2019-01-01T00:00:00Z' },
    { keyType: 'ec', minBits: 256 },
  ],
};

/**
 * For conformance suites and archives of old documents only (NIST PKITS uses 1024-bit RSA/DSA
 * and SHA-1): refuses MD2/MD5 and nothing else.
 */
export const PERMISSIVE_ALGORITHM_POLICY: AlgorithmPolicy = {
  id: 'permissive-legacy',
  rules: [{ digest: 'md2' }, { digest: 'md5' }],
};

/** The rule that refuses this signature at `time`, if any (a description for the reason detail). */
export function algorithmRefusal(
  policy: AlgorithmPolicy,
  alg: SignatureAlgorithmInfo,
  key: KeyDescription | undefined,
  time: Date,
): string | undefined {
  for (const rule of policy.rules) {
    if (rule.from && time.getTime() < Date.parse(rule.from)) continue;
    if (rule.digest && alg.digest === rule.digest)
      return `${alg.name} refused by ${policy.id}${rule.from ? ` from ${rule.from}` : ''}`;
    if (rule.keyType && key && key.type === rule.keyType && rule.minBits !== undefined && key.bits < rule.minBits) {
      return `${keyInWords(key)} refused by ${policy.id} (minimum ${rule.minBits}${rule.from ? ` from ${rule.from}` : ''})`;
    }
  }
  return undefined;
}

/** "rsa 1024-bit key"; an EC key by its curve, which says its size (0 bits: a curve the policy does not know). */
function keyInWords(key: KeyDescription): string {
  if (key.type !== 'ec' || !key.curve) return `${key.type} ${key.bits}-bit key`;
  return `ec key on ${key.curve} (${key.bits ? `${key.bits} bits` : 'a curve the policy does not accept'})`;
}

/** The algorithms a signature relies on: what the policy judges (ETSI EN 319 102-1 5.2.8). */
export interface CryptoFacts {
  /** Digests (node names) the signed data relies on: the CMS digest, for adbe.pkcs7.sha1 also SHA-1. */
  digests: string[];
  signature: SignatureAlgorithmInfo;
  /** The signer's public key. */
  key?: KeyDescription;
}

/**
 * What the policy refuses of a signature's algorithms at `time`, the time up to which the
 * signature is proven to have existed (its POE: the validation time when nothing proves an
 * earlier one; a signature timestamp's time when there is one). Empty = accepted.
 */
export function cryptoRefusals(policy: AlgorithmPolicy, facts: CryptoFacts, time: Date): string[] {
  const out: string[] = [];
  for (const digest of new Set(facts.digests)) {
    const refusal = algorithmRefusal(policy, { name: digest.toUpperCase(), digest }, undefined, time);
    if (refusal) out.push(refusal);
  }
  const refusal = algorithmRefusal(policy, facts.signature, facts.key, time);
  if (refusal) out.push(refusal);
  return out;
}

/**
 * The same judgement over a certification path (leaf first, anchor last) at `time`: each
 * certificate's signature algorithm and the key that signed it. Path validation applies the
 * policy at its own validation time; this lets the caller judge the path at the POE time.
 */
export function pathCryptoRefusals(
  policy: AlgorithmPolicy,
  chain: readonly Certificate[],
  time: Date,
): { certificateIndex: number; refusal: string }[] {
  const out: { certificateIndex: number; refusal: string }[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const info = describeSignatureAlgorithm(certificateParts(chain[i]).signatureAlgorithm);
    if (!info) continue; // an unsupported algorithm already failed path validation
    // an unusable key already failed path validation
    const refusal = algorithmRefusal(policy, info, describeSpki(workingPublicKey(chain, i + 1)), time);
    if (refusal) out.push({ certificateIndex: i, refusal });
  }
  return out;
}
