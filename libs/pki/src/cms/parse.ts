import { PkiFormatError } from '../errors';
import { Certificate } from '../x509/certificate';
import { AlgorithmId, readAlgorithmId } from '../x509/parts';
import { children, decodeOid, readTlv, TAG, Tlv, tlvBytes, tlvValue } from '../x509/tlv';
import { CMS_OID } from './oids';

/** How a SignerInfo names its certificate (RFC 5652 5.3). */
export type SignerIdentifier =
  | { kind: 'issuerAndSerialNumber'; issuerDer: Uint8Array; serialDer: Uint8Array }
  | { kind: 'subjectKeyIdentifier'; keyIdentifierHex: string };

export interface CmsAttribute {
  type: string; // OID
  values: Uint8Array[]; // DER of each value, as encoded
}

export interface ParsedSignerInfo {
  version: number;
  sid: SignerIdentifier;
  digestAlgorithm: AlgorithmId;
  /** The signed attributes re-tagged as SET OF (0x31): the bytes the signature covers. */
  signedAttrsDer?: Uint8Array;
  signedAttributes: CmsAttribute[];
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
  unsignedAttributes: CmsAttribute[];
}

export interface ParsedSignedData {
  /** The ContentInfo DER without trailing padding (PDF /Contents are zero-padded). */
  der: Uint8Array;
  version: number;
  digestAlgorithms: AlgorithmId[];
  encapContentType: string;
  /** Content embedded in the SignedData (absent when detached). */
  encapContent?: Uint8Array;
  certificates: Certificate[];
  signerInfos: ParsedSignerInfo[];
}

const fail = (code: string, message: string): never => {
  throw new PkiFormatError(code, message);
};

function smallInt(bytes: Uint8Array, t: Tlv): number {
  if (t.tag !== TAG.INTEGER) fail('CMS_MALFORMED', 'Expected an INTEGER');
  return tlvValue(bytes, t).reduce((n, b) => n * 256 + b, 0);
}

function attributes(bytes: Uint8Array, t: Tlv): CmsAttribute[] {
  return children(bytes, t).map((a) => {
    const [type, values] = children(bytes, a);
    if (!type || type.tag !== TAG.OID || !values || values.tag !== TAG.SET) fail('CMS_MALFORMED', 'Bad attribute');
    return { type: decodeOid(tlvValue(bytes, type)), values: children(bytes, values).map((v) => tlvBytes(bytes, v)) };
  });
}

function signerInfo(bytes: Uint8Array, t: Tlv): ParsedSignerInfo {
  const items = children(bytes, t);
  let i = 0;
  const next = () => items[i++] ?? fail('CMS_MALFORMED', 'SignerInfo is truncated');
  const version = smallInt(bytes, next());
  const sidT = next();
  let sid: SignerIdentifier;
  if (sidT.tag === TAG.SEQUENCE) {
    const [issuer, serial] = children(bytes, sidT);
    if (!issuer || !serial || serial.tag !== TAG.INTEGER) fail('CMS_MALFORMED', 'Bad issuerAndSerialNumber');
    sid = { kind: 'issuerAndSerialNumber', issuerDer: tlvBytes(bytes, issuer), serialDer: tlvBytes(bytes, serial) };
  } else if (sidT.tag === TAG.context(0, false)) {
    sid = {
      kind: 'subjectKeyIdentifier',
      keyIdentifierHex: Buffer.from(tlvValue(bytes, sidT)).toString('hex').toUpperCase(),
    };
  } else return fail('CMS_MALFORMED', 'Bad SignerIdentifier');
  const digestAlgorithm = readAlgorithmId(bytes, next());
  let signedAttrsDer: Uint8Array | undefined;
  let signedAttributes: CmsAttribute[] = [];
  let sigAlgT = next();
  if (sigAlgT.tag === TAG.context(0)) {
    // Signature covers the EXPLICIT SET OF encoding: same bytes, tag 0x31 (RFC 5652 5.4).
    signedAttrsDer = new Uint8Array(tlvBytes(bytes, sigAlgT));
    signedAttrsDer[0] = TAG.SET;
    signedAttributes = attributes(bytes, sigAlgT);
    sigAlgT = next();
  }
  const signatureAlgorithm = readAlgorithmId(bytes, sigAlgT);
  const sigT = next();
  if (sigT.tag !== TAG.OCTET_STRING) fail('CMS_MALFORMED', 'Bad signature value');
  const unsignedT = items[i];
  return {
    version,
    sid,
    digestAlgorithm,
    signedAttrsDer,
    signedAttributes,
    signatureAlgorithm,
    signature: tlvValue(bytes, sigT),
    unsignedAttributes: unsignedT?.tag === TAG.context(1) ? attributes(bytes, unsignedT) : [],
  };
}

/**
 * Parses a DER ContentInfo(SignedData) (RFC 5652 5.1). Throws PkiFormatError (CMS_EMPTY,
 * CMS_MALFORMED, CMS_NOT_SIGNED_DATA, CMS_NO_SIGNER, CMS_TRAILING_DATA, MALFORMED_DER,
 * MALFORMED_CERTIFICATE). Indefinite-length BER is refused in this version.
 */
export function parseSignedData(input: Uint8Array): ParsedSignedData {
  if (input.length === 0) fail('CMS_EMPTY', 'The signature is empty');
  const top = readTlv(input);
  if (input.subarray(top.end).some((b) => b !== 0)) fail('CMS_TRAILING_DATA', 'Data after the CMS structure');
  const bytes = input.subarray(0, top.end);
  if (top.tag !== TAG.SEQUENCE) fail('CMS_MALFORMED', 'ContentInfo is not a SEQUENCE');
  const [typeT, explicitT] = children(bytes, top);
  if (!typeT || typeT.tag !== TAG.OID || decodeOid(tlvValue(bytes, typeT)) !== CMS_OID.signedData)
    fail('CMS_NOT_SIGNED_DATA', 'The ContentInfo does not hold SignedData');
  if (!explicitT || explicitT.tag !== TAG.context(0)) fail('CMS_MALFORMED', 'SignedData is missing');
  const sd = readTlv(bytes, explicitT.valueStart, explicitT.end);
  if (sd.tag !== TAG.SEQUENCE) fail('CMS_MALFORMED', 'SignedData is not a SEQUENCE');
  const items = children(bytes, sd);
  if (items.length < 4) fail('CMS_MALFORMED', 'SignedData is truncated');
  const version = smallInt(bytes, items[0]);
  if (items[1].tag !== TAG.SET) fail('CMS_MALFORMED', 'Bad digestAlgorithms');
  const digestAlgorithms = children(bytes, items[1]).map((a) => readAlgorithmId(bytes, a));
  const [eTypeT, eContentT] = children(bytes, items[2]);
  if (!eTypeT || eTypeT.tag !== TAG.OID) fail('CMS_MALFORMED', 'Bad encapContentInfo');
  let encapContent: Uint8Array | undefined;
  if (eContentT) {
    const os = readTlv(bytes, eContentT.valueStart, eContentT.end);
    encapContent = tlvValue(bytes, os);
  }
  let certificates: Certificate[] = [];
  let k = 3;
  if (items[k]?.tag === TAG.context(0)) {
    certificates = children(bytes, items[k])
      .filter((c) => c.tag === TAG.SEQUENCE) // other certificate formats are ignored
      .map((c) => Certificate.fromDer(tlvBytes(bytes, c)));
    k++;
  }
  if (items[k]?.tag === TAG.context(1)) k++; // CRLs: not used in this version
  const signersT = items[k];
  if (!signersT || signersT.tag !== TAG.SET) fail('CMS_MALFORMED', 'Bad signerInfos');
  const signerInfos = children(bytes, signersT).map((s) => signerInfo(bytes, s));
  if (signerInfos.length === 0) fail('CMS_NO_SIGNER', 'SignedData has no SignerInfo');
  return {
    der: bytes,
    version,
    digestAlgorithms,
    encapContentType: decodeOid(tlvValue(bytes, eTypeT)),
    encapContent,
    certificates,
    signerInfos,
  };
}
