import { PkiFormatError } from '../errors';
import { children, der, oid, readTlv, seq, setOf, TAG, Tlv, tlvBytes, tlvValue } from '../asn1';
import { CMS_OID } from '../cms/oids';
import { CADES_OID } from './oids';

/**
 * A DER ContentInfo(SignedData) taken apart into the encoded elements CAdES works on: the
 * archive-time-stamp-v3 imprint is over fields "in their binary encoded form without any
 * modification" (EN 319 122-1 5.5.3), so each element keeps the bytes it came with.
 */
export interface SignedDataParts {
  version: Uint8Array;
  digestAlgorithms: Uint8Array;
  /** The eContentType OID element. */
  eContentType: Uint8Array;
  /** The eContent's octets when attached. */
  eContent?: Uint8Array;
  certificates: Uint8Array[];
  /** RevocationInfoChoice elements (a CertificateList, or [1] other). */
  crls: Uint8Array[];
  signer: SignerInfoParts;
}

export interface SignerInfoParts {
  /** version, sid, digestAlgorithm, signedAttrs ([0]), signatureAlgorithm, signature: as encoded. */
  signedFields: Uint8Array[];
  /** The signature value's octets. */
  signature: Uint8Array;
  /** Each unsigned Attribute element, in order. */
  unsignedAttrs: Uint8Array[];
}

const bad = (what: string): never => {
  throw new PkiFormatError('CMS_MALFORMED', `Bad ${what} (CAdES needs DER here)`);
};

const at = (tlvs: Tlv[], i: number, tag: number, what: string): Tlv => (tlvs[i]?.tag === tag ? tlvs[i] : bad(what));

function signerInfoParts(b: Uint8Array, si: Tlv): SignerInfoParts {
  const items = children(b, si);
  const signedAttrsAt = items[3]?.tag === TAG.context(0) ? 3 : -1;
  const sigAt = signedAttrsAt === 3 ? 5 : 4;
  const signature = at(items, sigAt, TAG.OCTET_STRING, 'signature value');
  const unsigned = items[sigAt + 1];
  return {
    signedFields: items.slice(0, sigAt + 1).map((t) => tlvBytes(b, t)),
    signature: tlvValue(b, signature),
    unsignedAttrs: unsigned?.tag === TAG.context(1) ? children(b, unsigned).map((t) => tlvBytes(b, t)) : [],
  };
}

/** Reads our own (or any DER) SignedData; throws PkiFormatError CMS_MALFORMED otherwise. */
export function signedDataParts(cms: Uint8Array): SignedDataParts {
  try {
    const top = readTlv(cms);
    const [type, explicit] = children(cms, top);
    if (!type || !Buffer.from(tlvBytes(cms, type)).equals(oid(CMS_OID.signedData))) bad('ContentInfo');
    const sd = children(cms, explicit)[0];
    const items = children(cms, sd);
    const encap = children(cms, at(items, 2, TAG.SEQUENCE, 'encapContentInfo'));
    let k = 3;
    const list = (tag: number) => (items[k]?.tag === tag ? children(cms, items[k++]).map((t) => tlvBytes(cms, t)) : []);
    const certificates = list(TAG.context(0));
    const crls = list(TAG.context(1));
    const infos = children(cms, at(items, k, TAG.SET, 'signerInfos'));
    if (infos.length !== 1) bad('signerInfos: one SignerInfo expected');
    const eContent = encap[1] && children(cms, encap[1])[0];
    return {
      version: tlvBytes(cms, items[0]),
      digestAlgorithms: tlvBytes(cms, items[1]),
      eContentType: tlvBytes(cms, encap[0]),
      eContent: eContent && tlvValue(cms, at([eContent], 0, TAG.OCTET_STRING, 'eContent')),
      certificates,
      crls,
      signer: signerInfoParts(cms, infos[0]),
    };
  } catch (e) {
    if (e instanceof PkiFormatError) throw new PkiFormatError('CMS_MALFORMED', e.message);
    throw e;
  }
}

/** A RevocationInfoChoice for an OCSP response (RFC 5940 4.1: other [1] IMPLICIT OtherRevocationInfoFormat). */
export const ocspRevocationChoice = (ocspResponse: Uint8Array): Uint8Array =>
  der(TAG.context(1), oid(CADES_OID.riOcspResponse), ocspResponse);

/**
 * Encodes SignedData from parts. The version is recomputed (RFC 5652 5.1): 5 when an `other`
 * revocation choice (OCSP) is present, else that given.
 */
export function encodeSignedData(p: SignedDataParts): Uint8Array {
  const hasOther = p.crls.some((c) => c[0] === TAG.context(1));
  const version = hasOther ? der(TAG.INTEGER, Uint8Array.of(5)) : p.version;
  const encap = seq(p.eContentType, ...(p.eContent ? [der(TAG.context(0), der(TAG.OCTET_STRING, p.eContent))] : []));
  const signerInfo = seq(
    ...p.signer.signedFields,
    ...(p.signer.unsignedAttrs.length ? [der(TAG.context(1), ...p.signer.unsignedAttrs)] : []),
  );
  const signedData = seq(
    version,
    p.digestAlgorithms,
    encap,
    ...(p.certificates.length ? [setOf(p.certificates, TAG.context(0))] : []),
    ...(p.crls.length ? [setOf(p.crls, TAG.context(1))] : []),
    setOf([signerInfo]),
  );
  return seq(oid(CMS_OID.signedData), der(TAG.context(0), signedData));
}

export const attribute = (type: string, value: Uint8Array): Uint8Array => seq(oid(type), setOf([value]));

/** An Attribute's type (OID) and value elements. */
export function attributeParts(attr: Uint8Array): { typeDer: Uint8Array; values: Uint8Array[] } {
  const [type, values] = children(attr, readTlv(attr));
  return { typeDer: tlvBytes(attr, type), values: children(attr, values).map((t) => tlvBytes(attr, t)) };
}
