import * as asn1js from 'asn1js';
import { createHash, KeyObject, sign } from 'node:crypto';
import * as pkijs from 'pkijs';
import { der, TAG } from '../src/asn1';
import { CMS_OID } from '../src/cms/oids';
import { embedSignature, preparePdfSignature, signedByteRanges } from '../src/pdf';
import { Certificate } from '../src/x509/certificate';
import { subjectKeyIdentifier } from '../src/x509/extensions';

/**
 * CMS SignedData assembled with pkijs (an independent encoder) for the shapes Kyso never writes:
 * signed attributes in any order, encapsulated content, several signers, any digest and
 * signature algorithm. The signature is made by `signWith` over the exact bytes chosen.
 */
export interface PkijsSignerOptions {
  cert: Certificate;
  key: KeyObject;
  /** node digest name for messageDigest and the digestAlgorithm (sha1, sha256...). */
  digest: string;
  signatureAlgorithmOid: string;
  /** ECDSA signature encoding (plain r‖s for BSI TR-03111 ecdsa-plain-*). */
  dsaEncoding?: 'der' | 'ieee-p1363';
  /** 'der': the SET OF sorted (RFC 5652 5.4); 'unsorted': signed in another order, as some signers do. */
  attributeOrder?: 'der' | 'unsorted';
  /** Signed attributes left out (by OID), to make what RFC 5652 5.3 forbids. */
  omitAttributes?: string[];
  /** Rewrites the signed attributes before they are encoded and signed (malformed values). */
  mutateAttributes?: (attributes: pkijs.Attribute[]) => pkijs.Attribute[];
  /** One ESS signing-certificate attribute per entry, naming that certificate (v2: SHA-256 ESSCertIDv2, v1: SHA-1 ESSCertID). */
  essCertificates?: { cert: Certificate; version: 1 | 2 }[];
  /** How the SignerInfo names its certificate (RFC 5652 5.3); default issuerAndSerialNumber. */
  sid?: 'issuerAndSerialNumber' | 'subjectKeyIdentifier';
  /** Unsigned attributes (a countersignature...). */
  unsignedAttributes?: pkijs.Attribute[];
}

export interface PkijsCmsOptions {
  signers: PkijsSignerOptions[];
  certificates?: Certificate[];
  /** What messageDigest covers (the encapsulated content when `encapsulate` is set). */
  content: readonly Uint8Array[];
  encapsulate?: boolean;
  /**
   * The eContent as a constructed OCTET STRING of two segments with an indefinite length (BER, as
   * NSS writes it). pkijs always writes eContent constructed, with a definite length otherwise.
   */
  constructedEContent?: boolean;
  signingTime?: Date;
}

const DIGEST_OIDS: Record<string, string> = {
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  'sha3-256': '2.16.840.1.101.3.4.2.8',
};

const toU8 = (b: ArrayBuffer) => new Uint8Array(b);

function signerInfo(opts: PkijsCmsOptions, s: PkijsSignerOptions, eContentType: string): pkijs.SignerInfo {
  const h = createHash(s.digest);
  for (const c of opts.content) h.update(c);
  const attributes = [
    new pkijs.Attribute({ type: CMS_OID.contentType, values: [new asn1js.ObjectIdentifier({ value: eContentType })] }),
    new pkijs.Attribute({
      type: CMS_OID.signingTime,
      values: [new asn1js.UTCTime({ valueDate: opts.signingTime ?? new Date() })],
    }),
    new pkijs.Attribute({ type: CMS_OID.messageDigest, values: [new asn1js.OctetString({ valueHex: h.digest() })] }),
    ...(s.essCertificates ?? []).map(essCertificate),
  ].filter((a) => !s.omitAttributes?.includes(a.type));
  const encoded = (s.mutateAttributes?.(attributes) ?? attributes).map((a) => ({
    a,
    der: toU8(a.toSchema().toBER(false)),
  }));
  encoded.sort((x, y) => Buffer.compare(x.der, y.der));
  if (s.attributeOrder === 'unsorted') encoded.reverse();
  const signedAttrs = der(TAG.SET, ...encoded.map((e) => e.der));
  const isEc = s.key.asymmetricKeyType === 'ec';
  const isEdDsa = s.key.asymmetricKeyType === 'ed25519' || s.key.asymmetricKeyType === 'ed448';
  const signature = sign(isEdDsa ? null : s.digest, signedAttrs, {
    key: s.key,
    dsaEncoding: isEc ? (s.dsaEncoding ?? 'der') : undefined,
  });
  const rsa = s.key.asymmetricKeyType === 'rsa';
  const ski = s.sid === 'subjectKeyIdentifier' ? subjectKeyIdentifier(s.cert) : undefined;
  return new pkijs.SignerInfo({
    version: ski ? 3 : 1,
    sid: ski
      ? new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: Buffer.from(ski, 'hex') })
      : new pkijs.IssuerAndSerialNumber({ issuer: s.cert.pkijs.issuer, serialNumber: s.cert.pkijs.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS[s.digest] }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: encoded.map((e) => e.a) }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: s.signatureAlgorithmOid,
      algorithmParams: rsa ? new asn1js.Null() : undefined,
    }),
    signature: new asn1js.OctetString({ valueHex: signature }),
    // pkijs refuses an unsignedAttrs key that is present but undefined
    ...(s.unsignedAttributes && {
      unsignedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: s.unsignedAttributes }),
    }),
  });
}

/**
 * A countersignature attribute (RFC 5652 11.4) over `signature` (a SignerInfo's signature value):
 * a SignerInfo of its own, whose message-digest covers those bytes, without content-type.
 */
export function pkijsCounterSignature(signature: Uint8Array, s: PkijsSignerOptions): pkijs.Attribute {
  const opts = { signers: [s], content: [signature] };
  const info = signerInfo(
    opts,
    { ...s, omitAttributes: [CMS_OID.contentType, ...(s.omitAttributes ?? [])] },
    CMS_OID.data,
  );
  const countersignature = '1.2.840.113549.1.9.6';
  return new pkijs.Attribute({ type: countersignature, values: [info.toSchema()] });
}

/** ESSCertIDv2 (RFC 5035, SHA-256, the default hash left out) or ESSCertID (RFC 2634, SHA-1), without issuerSerial. */
function essCertificate({ cert, version }: { cert: Certificate; version: 1 | 2 }): pkijs.Attribute {
  const hash = createHash(version === 2 ? 'sha256' : 'sha1')
    .update(cert.der)
    .digest();
  const certId = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: hash })] });
  return new pkijs.Attribute({
    type: version === 2 ? CMS_OID.signingCertificateV2 : CMS_OID.signingCertificate,
    values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certId] })] })],
  });
}

function eContent(bytes: Buffer, constructed = false): asn1js.OctetString {
  if (!constructed) return new asn1js.OctetString({ valueHex: bytes });
  const half = bytes.length >> 1;
  return new asn1js.OctetString({
    isConstructed: true,
    isIndefiniteForm: true,
    value: [
      new asn1js.OctetString({ valueHex: bytes.subarray(0, half) }),
      new asn1js.OctetString({ valueHex: bytes.subarray(half) }),
    ],
  });
}

export function pkijsSignedData(opts: PkijsCmsOptions): Uint8Array {
  const eContentType = CMS_OID.data;
  const sd = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [...new Set(opts.signers.map((s) => DIGEST_OIDS[s.digest]))].map(
      (algorithmId) => new pkijs.AlgorithmIdentifier({ algorithmId }),
    ),
    // pkijs writes an empty eContent when the key is present, even undefined: leave it out when detached
    encapContentInfo: new pkijs.EncapsulatedContentInfo(
      opts.encapsulate
        ? {
            eContentType,
            eContent: eContent(Buffer.concat(opts.content.map((c) => Buffer.from(c))), opts.constructedEContent),
          }
        : { eContentType },
    ),
    certificates: [...opts.signers.map((s) => s.cert), ...(opts.certificates ?? [])].map((c) => c.pkijs),
    signerInfos: opts.signers.map((s) => signerInfo(opts, s, eContentType)),
  });
  const ci = new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: sd.toSchema() });
  return toU8(ci.toSchema().toBER(false));
}

/**
 * A PDF signed with any CMS under any sub-filter: Kyso's placeholder, its /SubFilter name swapped
 * in place (padded, so offsets and the byte range stay right), the CMS made over the byte ranges.
 */
export async function pdfSignedWith(
  unsigned: Uint8Array,
  subFilter: string,
  makeCms: (ranges: Uint8Array[]) => Uint8Array | Promise<Uint8Array>,
  signingTime = new Date(Math.floor(Date.now() / 1000) * 1000),
): Promise<Uint8Array> {
  const prepared = preparePdfSignature(unsigned, {
    signingTime,
    subFilter: 'ETSI.CAdES.detached',
    contentsSize: 32768,
  });
  const placeholder = '/SubFilter /ETSI.CAdES.detached';
  const text = Buffer.from(prepared.pdf).toString('latin1');
  const at = text.indexOf(placeholder);
  if (at < 0 || subFilter.length > 'ETSI.CAdES.detached'.length) throw new Error('cannot swap the sub-filter');
  const swapped = Buffer.from(prepared.pdf);
  swapped.write(`/SubFilter /${subFilter}`.padEnd(placeholder.length, ' '), at, 'latin1');
  const pdf = new Uint8Array(swapped);
  return embedSignature({ ...prepared, pdf }, await makeCms(signedByteRanges(pdf, prepared.byteRange)));
}
