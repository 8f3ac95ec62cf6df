import { createHash } from 'node:crypto';
import { children, der, octetString, oid, readTlv, seq, TAG, tlvBytes, tlvValue } from '../asn1';
import { PkiFormatError } from '../errors';
import { DIGESTS } from '../x509/algorithms';
import { CADES_OID } from './oids';
import { attribute, attributeParts, SignedDataParts } from './structure';

/**
 * archive-time-stamp-v3 (ETSI EN 319 122-1 5.5.2, 5.5.3). The token's imprint is over
 *   eContentType || H(content) || version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm,
 *   signature (as encoded) || ATSHashIndexV3,
 * and the hash index (an unsigned attribute of the token itself) lists the hashes of every
 * certificate, revocation value and unsigned attribute value present when it was made, so later
 * additions (a newer archive timestamp, more evidence) leave it verifiable.
 */

const h = (node: string, ...parts: Uint8Array[]) => {
  const hash = createHash(node);
  for (const p of parts) hash.update(p);
  return hash.digest();
};

/** Hash per unsigned attribute value: attrType || value (EN 319 122-1 5.5.2, as DSS computes it). */
function unsignedValueHashes(node: string, unsignedAttrs: readonly Uint8Array[]): Buffer[] {
  return unsignedAttrs.flatMap((a) => {
    const { typeDer, values } = attributeParts(a);
    return values.map((v) => h(node, typeDer, v));
  });
}

/** The ATSHashIndexV3 of a SignedData as it stands, with SHA-256 (the default, so omitted). */
export function atsHashIndexV3(p: SignedDataParts): Uint8Array {
  const list = (hashes: Buffer[]) => seq(...hashes.map((x) => octetString(x)));
  return seq(
    list(p.certificates.map((c) => h('sha256', c))),
    list(p.crls.map((c) => h('sha256', c))),
    list(unsignedValueHashes('sha256', p.signer.unsignedAttrs)),
  );
}

/** The bytes an archive-time-stamp-v3 imprint covers, given the content's digest with the same algorithm. */
export function archiveImprintInput(p: SignedDataParts, contentDigest: Uint8Array, hashIndex: Uint8Array): Uint8Array {
  return Buffer.concat([p.eContentType, contentDigest, ...p.signer.signedFields, hashIndex]);
}

/** Adds an unsigned attribute to the (first) SignerInfo of a DER timestamp token. */
export function withTokenUnsignedAttribute(token: Uint8Array, attr: Uint8Array): Uint8Array {
  const top = readTlv(token);
  const [type, explicit] = children(token, top);
  const sd = children(token, explicit)[0];
  const items = children(token, sd);
  const infosT = items[items.length - 1];
  const [si] = children(token, infosT);
  const siItems = children(token, si);
  const last = siItems[siItems.length - 1];
  const fields = siItems.map((t) => tlvBytes(token, t));
  const newSi =
    last.tag === TAG.context(1)
      ? seq(...fields.slice(0, -1), der(TAG.context(1), tlvValue(token, last), attr))
      : seq(...fields, der(TAG.context(1), attr));
  const newSd = seq(...items.slice(0, -1).map((t) => tlvBytes(token, t)), der(TAG.SET, newSi));
  return seq(tlvBytes(token, type), der(TAG.context(0), newSd));
}

export const archiveAttribute = (token: Uint8Array) => attribute(CADES_OID.archiveTimestampV3, token);
export const hashIndexAttribute = (index: Uint8Array) => attribute(CADES_OID.atsHashIndexV3, index);

/** What an archive timestamp's hash index claims, read from its token; undefined when absent or unreadable. */
export function readHashIndex(token: Uint8Array): { der: Uint8Array; node: string; hashes: Buffer[][] } | undefined {
  try {
    const top = readTlv(token);
    const sd = children(token, children(token, children(token, top)[1])[0]);
    const si = children(token, children(token, sd[sd.length - 1])[0]);
    const unsigned = si[si.length - 1];
    if (unsigned.tag !== TAG.context(1)) return undefined;
    const attrs = children(token, unsigned).map((t) => attributeParts(tlvBytes(token, t)));
    const found = attrs.filter((a) => Buffer.from(a.typeDer).equals(Buffer.from(oid(CADES_OID.atsHashIndexV3))));
    if (found.length !== 1 || found[0].values.length !== 1) return undefined;
    const index = found[0].values[0];
    const parts = children(index, readTlv(index));
    let node = 'sha256';
    if (parts.length === 4) {
      const algOid = tlvBytes(index, children(index, parts[0])[0]);
      node = Object.entries(DIGESTS).find(([o]) => Buffer.from(oid(o)).equals(Buffer.from(algOid)))?.[1].node ?? '';
      if (!node) return undefined;
    }
    const lists = parts.slice(-3).map((l) => children(index, l).map((t) => Buffer.from(tlvValue(index, t))));
    return { der: index, node, hashes: lists };
  } catch (e) {
    if (e instanceof PkiFormatError) return undefined;
    throw e;
  }
}

/**
 * Problems of a hash index against the SignedData now: each hash it lists must still be there
 * (elements may be added after, never removed or changed). `before` are the unsigned attributes
 * that preceded the archive timestamp (it cannot cover itself or later ones).
 */
export function hashIndexProblems(
  index: { node: string; hashes: Buffer[][] },
  p: SignedDataParts,
  before: readonly Uint8Array[],
): string[] {
  const present = [
    p.certificates.map((c) => h(index.node, c)),
    p.crls.map((c) => h(index.node, c)),
    unsignedValueHashes(index.node, before),
  ];
  const names = ['a certificate', 'a revocation value', 'an unsigned attribute'];
  return index.hashes.flatMap((listed, i) =>
    listed.some((x) => !present[i].some((y) => y.equals(x))) ? [`${names[i]} it covered is missing or changed`] : [],
  );
}
