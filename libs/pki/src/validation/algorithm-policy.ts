import { KeyDescription, SignatureAlgorithmInfo } from '../x509/signature-check';

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
 * The product default: MD2/MD5 never; SHA-1 and RSA/DSA below 2048 bits not after 2019 (the
 * ETSI TS 119 312 / SOGIS horizon, also what Vietnamese CA profiles moved to); EC below 256 never.
 */
export const STRICT_ALGORITHM_POLICY: AlgorithmPolicy = {
  id: 'kyso-strict-2024',
  rules: [
    { digest: 'md2' },
    { digest: 'md5' },
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
      return `${key.type} ${key.bits}-bit key refused by ${policy.id} (minimum ${rule.minBits}${rule.from ? ` from ${rule.from}` : ''})`;
    }
  }
  return undefined;
}
