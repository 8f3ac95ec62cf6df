import { conflict, unprocessable } from '@kyso/common';
import { Certificate, checkNameChaining, checkSignature } from '@kyso/pki';
import { createHash, createPublicKey } from 'node:crypto';
import type { SubjectType } from './certificate';

/**
 * SHA-256 (upper-case hex) of the certificate's public key, re-encoded by node:crypto so that two
 * encodings of one key hash alike. The signer signs with whatever key the record names once the
 * key matches the certificate, so a key is what must not be shared between subjects.
 */
export function publicKeySha256(cert: Certificate): string {
  let spki: Uint8Array = cert.publicKeySpki;
  try {
    spki = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({
      type: 'spki',
      format: 'der',
    });
  } catch {
    // a key node cannot load: hash the bytes as encoded
  }
  return createHash('sha256').update(spki).digest('hex').toUpperCase();
}

export interface KeySubject {
  subjectType: SubjectType;
  holderOfficialId: string | null;
  organizationId: string;
}

const sameSubject = (a: KeySubject, b: KeySubject) =>
  a.subjectType === b.subjectType &&
  (a.subjectType === 'person' ? a.holderOfficialId === b.holderOfficialId : a.organizationId === b.organizationId);

/**
 * Refuses a certificate over a key already registered for another subject (another official,
 * organisation or device): otherwise whoever registers a second certificate over someone's key
 * (a renewal keeping the key, or a certificate taken from a signed document before it is
 * registered) could name themselves or their organisation as its holder and sign with that key.
 * `holders` are the subjects the key is registered for (CertificatesRepository.lockKeyHolders).
 */
export function requireKeyOfSubject(holders: KeySubject[], subject: KeySubject): void {
  if (holders.some((h) => !sameSubject(h, subject)))
    throw conflict(
      'KEY_REGISTERED_TO_ANOTHER_SUBJECT',
      'The public key of this certificate is already registered for another official, organisation or device',
    );
}

/**
 * The chain given with a certificate must be its issuer chain, leaf-most first: each certificate
 * names the next one's subject as its issuer and verifies with its key. The signer embeds this
 * chain in signatures, so an unrelated or impostor CA certificate must not get in.
 */
export function requireIssuerChain(cert: Certificate, chain: Certificate[]): void {
  let child = cert;
  chain.forEach((issuer, i) => {
    const problems = [...checkNameChaining(child, issuer, i), ...checkSignature(child, issuer, i)];
    if (problems.length) {
      throw unprocessable(
        'CHAIN_DOES_NOT_ISSUE_CERTIFICATE',
        `chainPem[${i}] did not issue ${i === 0 ? 'the certificate' : `chainPem[${i - 1}]`} (${problems.map((p) => p.code).join(', ')})`,
      );
    }
    child = issuer;
  });
}
