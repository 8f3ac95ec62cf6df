import { PkiFormatError } from '../errors';
import { BoundedCache } from '../x509/bounded-cache';
import { Certificate } from '../x509/certificate';
import { AlgorithmId, BerElement, decodeOid, readBer, TAG, toDer } from '../asn1';
import { CMS_OID } from './oids';
import { sha256Of } from '../x509/sha256-of';

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
  /**
   * The DER encoding of the signed attributes as SET OF (0x31, elements sorted): the bytes the
   * signature covers (RFC 5652 5.4), whatever order and encoding they were sent in.
   */
  signedAttrsDer?: Uint8Array;
  /**
   * The signed attributes as received, re-tagged SET OF, when that differs from signedAttrsDer
   * (elements not sorted) and has a definite length: what a signer that did not sort signed.
   */
  signedAttrsAsReceived?: Uint8Array;
  signedAttributes: CmsAttribute[];
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
  unsignedAttributes: CmsAttribute[];
}

export interface ParsedSignedData {
  /** The ContentInfo as received (BER allowed) without trailing padding (PDF /Contents are zero-padded). */
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

const expect = (el: BerElement | undefined, tag: number, what: string): BerElement =>
  el && el.tag === tag ? el : fail('CMS_MALFORMED', `Bad ${what}`);

function smallInt(el: BerElement | undefined): number {
  const v = expect(el, TAG.INTEGER, 'version').content;
  if (v.length === 0 || v.length > 4) fail('CMS_MALFORMED', 'Bad version');
  return v.reduce((n, b) => n * 256 + b, 0);
}

const oidOf = (el: BerElement | undefined, what: string) => decodeOid(expect(el, TAG.OID, what).content);

/** AlgorithmIdentifier: the OID, and the parameters as DER (what the algorithm readers parse). */
function algorithmId(el: BerElement | undefined): AlgorithmId {
  const [o, p] = expect(el, TAG.SEQUENCE, 'AlgorithmIdentifier').children;
  return { oid: oidOf(o, 'algorithm OID'), params: p ? toDer(p) : undefined };
}

function attributes(el: BerElement): CmsAttribute[] {
  return el.children.map((a) => {
    const [type, values] = expect(a, TAG.SEQUENCE, 'attribute').children;
    return {
      type: oidOf(type, 'attribute type'),
      values: expect(values, TAG.SET, 'attribute values').children.map((v) => toDer(v)),
    };
  });
}

function signerIdentifier(el: BerElement): SignerIdentifier {
  if (el.tag === TAG.SEQUENCE) {
    const [issuer, serial] = el.children;
    expect(issuer, TAG.SEQUENCE, 'issuerAndSerialNumber');
    return {
      kind: 'issuerAndSerialNumber',
      issuerDer: toDer(issuer),
      serialDer: toDer(expect(serial, TAG.INTEGER, 'serial')),
    };
  }
  if (el.tag === TAG.context(0, false) || el.tag === TAG.context(0))
    return { kind: 'subjectKeyIdentifier', keyIdentifierHex: Buffer.from(el.content).toString('hex').toUpperCase() };
  return fail('CMS_MALFORMED', 'Bad SignerIdentifier');
}

/** The [0] IMPLICIT signed attributes re-tagged SET OF, in their received order, if not the DER and definite-length. */
function asReceivedSet(received: Uint8Array, derSet: Uint8Array): Uint8Array | undefined {
  if (received[1] === 0x80) return undefined; // indefinite length: no such signer seen
  const set = Uint8Array.from(received);
  set[0] = TAG.SET;
  return Buffer.from(set).equals(Buffer.from(derSet)) ? undefined : set;
}

function signerInfo(el: BerElement): ParsedSignerInfo {
  const items = expect(el, TAG.SEQUENCE, 'SignerInfo').children;
  let i = 0;
  const next = () => items[i++] ?? fail('CMS_MALFORMED', 'SignerInfo is truncated');
  const version = smallInt(next());
  const sid = signerIdentifier(next());
  const digestAlgorithm = algorithmId(next());
  let signedAttrsDer: Uint8Array | undefined;
  let signedAttrsAsReceived: Uint8Array | undefined;
  let signedAttributes: CmsAttribute[] = [];
  let sigAlg = next();
  if (sigAlg.tag === TAG.context(0)) {
    // The signature covers the DER of the SET OF (RFC 5652 5.4): re-tagged, re-encoded, sorted.
    signedAttrsDer = toDer(sigAlg, TAG.SET);
    signedAttrsAsReceived = asReceivedSet(sigAlg.bytes, signedAttrsDer);
    signedAttributes = attributes(sigAlg);
    sigAlg = next();
  }
  const signatureAlgorithm = algorithmId(sigAlg);
  const signature = expect(next(), TAG.OCTET_STRING, 'signature value').content;
  const unsigned = items[i];
  return {
    version,
    sid,
    digestAlgorithm,
    signedAttrsDer,
    signedAttrsAsReceived,
    signedAttributes,
    signatureAlgorithm,
    signature,
    unsignedAttributes: unsigned?.tag === TAG.context(1) ? attributes(unsigned) : [],
  };
}

/**
 * Parses a ContentInfo(SignedData) in BER (RFC 5652 5.1): indefinite lengths and constructed
 * OCTET STRINGs are read. Throws PkiFormatError (CMS_EMPTY, CMS_MALFORMED, CMS_NOT_SIGNED_DATA,
 * CMS_NO_SIGNER, CMS_TRAILING_DATA, MALFORMED_CERTIFICATE). Embedded certificates must be DER.
 */
export function parseSignedData(input: Uint8Array): ParsedSignedData {
  // One validation reads a signature's CMS three or four times (the signature, its archived
  // revocation values, its timestamps): the same bytes object is parsed once (issue 16.2's profile).
  // Keyed by the object: nothing outlives the document, and callers only read.
  let parsed = PARSED.get(input);
  if (!parsed) PARSED.set(input, (parsed = parseByContent(input)));
  return parsed;
}

const PARSED = new WeakMap<Uint8Array, ParsedSignedData>();

/** CMS up to this size are also kept by content (a signature with its chain and revocation values). */
const BY_CONTENT_MAX_BYTES = 256 * 1024;
/** Distinct CMS kept by content: the documents validated lately (at most 64 × 256 KB held). */
const BY_CONTENT_ENTRIES = 64;
const BY_CONTENT = new BoundedCache<string, ParsedSignedData>(BY_CONTENT_ENTRIES);

/**
 * The same signed document validated again brings the same CMS bytes in a new buffer: a small CMS
 * is parsed from a copy of its own (so no document's buffer is held) and kept by its SHA-256,
 * the last BY_CONTENT_ENTRIES of them. Parsing is a pure function of the bytes; errors are not kept.
 */
function parseByContent(input: Uint8Array): ParsedSignedData {
  if (input.length > BY_CONTENT_MAX_BYTES) return parse(input);
  const key = sha256Of(input).toString('base64');
  return BY_CONTENT.getOrCompute(key, () => parse(input.slice()));
}

function parse(input: Uint8Array): ParsedSignedData {
  if (input.length === 0) fail('CMS_EMPTY', 'The signature is empty');
  const top = readBer(input, 'CMS_MALFORMED');
  if (input.subarray(top.bytes.length).some((b) => b !== 0)) fail('CMS_TRAILING_DATA', 'Data after the CMS structure');
  const [typeT, explicitT] = expect(top, TAG.SEQUENCE, 'ContentInfo').children;
  if (!typeT || typeT.tag !== TAG.OID || decodeOid(typeT.content) !== CMS_OID.signedData)
    fail('CMS_NOT_SIGNED_DATA', 'The ContentInfo does not hold SignedData');
  const sd = expect(expect(explicitT, TAG.context(0), 'SignedData').children[0], TAG.SEQUENCE, 'SignedData');
  const items = sd.children;
  if (items.length < 4) fail('CMS_MALFORMED', 'SignedData is truncated');
  const version = smallInt(items[0]);
  const digestAlgorithms = expect(items[1], TAG.SET, 'digestAlgorithms').children.map((a) => algorithmId(a));
  const [eTypeT, eContentT] = expect(items[2], TAG.SEQUENCE, 'encapContentInfo').children;
  const encapContentType = oidOf(eTypeT, 'eContentType');
  let encapContent: Uint8Array | undefined;
  if (eContentT) {
    const os = expect(eContentT, TAG.context(0), 'eContent').children[0];
    if (!os || (os.tag !== TAG.OCTET_STRING && os.tag !== (TAG.OCTET_STRING | 0x20)))
      fail('CMS_MALFORMED', 'Bad eContent');
    encapContent = os.content;
  }
  let certificates: Certificate[] = [];
  let k = 3;
  if (items[k]?.tag === TAG.context(0)) {
    certificates = items[k].children
      .filter((c) => c.tag === TAG.SEQUENCE) // other certificate formats are ignored
      .map((c) => Certificate.fromDer(c.bytes));
    k++;
  }
  if (items[k]?.tag === TAG.context(1)) k++; // RevocationInfoChoices: read by the revocation code, not here
  const signerInfos = expect(items[k], TAG.SET, 'signerInfos').children.map((s) => signerInfo(s));
  if (signerInfos.length === 0) fail('CMS_NO_SIGNER', 'SignedData has no SignerInfo');
  return {
    der: top.bytes,
    version,
    digestAlgorithms,
    encapContentType,
    encapContent,
    certificates,
    signerInfos,
  };
}
