import { badRequest, refuseCallbackUrl, unprocessable } from '@kyso/common';
import { parseInput, SignCmsFieldsDto, SignHashFieldsDto } from '@kyso/contracts';
import type { DigestAlgorithm } from '@kyso/keystore';
import type { CadesLevel } from '@kyso/pki';
import type { SigningRequest } from './signing-gate';
import { credentialOf } from './signing-input';

type Signer = Pick<SigningRequest, 'certificateId' | 'actingOfficialId' | 'credential'>;

/**
 * An empty field counts as absent, as browsers send untouched inputs. These routes answer with the
 * signature: a `callbackUrl` is refused (422 CALLBACK_URL_NOT_SUPPORTED), not dropped.
 */
const given = (body: Record<string, unknown> | undefined) => {
  refuseCallbackUrl(body);
  return Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== ''));
};

/** POST /signatures/cms's text fields (400 MISSING_FIELD / INVALID_FIELD naming the field). */
export function parseSignCmsFields(body: Record<string, unknown> | undefined): Signer & {
  level: CadesLevel;
  detached: boolean;
} {
  const f = parseInput(SignCmsFieldsDto, given(body));
  return {
    certificateId: f.certificateId,
    actingOfficialId: f.actingOfficialId,
    credential: credentialOf(f),
    level: f.level ?? 'B-B',
    detached: f.detached !== 'false',
  };
}

const DIGEST_LENGTH = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;

/**
 * The digest as hex or base64 (standard or URL-safe), of exactly its algorithm's length. Text that
 * is all hex digits is read as hex only: 64 hex digits (a SHA-256) also decode as 48 bytes of
 * base64, and must not pass for a SHA-384 digest.
 */
function decodeDigest(text: string, length: number): Uint8Array | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]+$/.test(t)) return t.length === 2 * length ? Buffer.from(t, 'hex') : undefined;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return undefined;
  const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return b.length === length ? b : undefined;
}

/**
 * POST /signatures/hash's fields. A CMS is made over SHA-256 only: the token's keys sign CMS with
 * SHA-256 (RSASSA-PKCS1-v1_5-SHA256, ECDSA-P256-SHA256), and a CMS whose digest algorithm differs
 * from its signature's hash is not verifiable by common tools, so other digests are refused for
 * it rather than faked. A raw signature value is made over SHA-256, SHA-384 or SHA-512.
 */
export function parseSignHashFields(body: Record<string, unknown> | undefined): Signer & {
  hashAlgorithm: DigestAlgorithm;
  digest: Uint8Array;
  output: 'cms' | 'raw';
} {
  const f = parseInput(SignHashFieldsDto, given(body));
  const digest = decodeDigest(f.hash, DIGEST_LENGTH[f.hashAlgorithm]);
  if (!digest)
    throw badRequest(
      'INVALID_FIELD',
      `"hash" must be the ${DIGEST_LENGTH[f.hashAlgorithm]}-byte ${f.hashAlgorithm} digest, hex or base64`,
      { field: 'hash' },
    );
  const output = f.output ?? 'cms';
  if (output === 'cms' && f.hashAlgorithm !== 'SHA-256')
    throw unprocessable(
      'HASH_ALGORITHM_NOT_SUPPORTED',
      `A CMS is made over SHA-256 digests, not ${f.hashAlgorithm}; ask for output=raw`,
      { field: 'hashAlgorithm' },
    );
  return {
    certificateId: f.certificateId,
    actingOfficialId: f.actingOfficialId,
    credential: credentialOf(f),
    hashAlgorithm: f.hashAlgorithm,
    digest,
    output,
  };
}
