import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { PkiFormatError } from '../errors';
import {
  DIGESTS,
  publicKeyFromSpki,
  signatureScheme,
  verifySignature,
  verifySignatureRemembered,
} from '../x509/algorithms';
import { Certificate } from '../x509/certificate';
import { subjectKeyIdentifier } from '../x509/extensions';
import { toArrayBuffer } from '../asn1';
import { CryptoFacts } from '../validation/algorithm-policy';
import { DistinguishedName } from '../x509/name';
import { describeSpki } from '../x509/signature-check';
import { certificateParts } from '../x509/parts';
import { children, decodeOid, decodeTime, readTlv, TAG, tlvBytes, tlvValue } from '../asn1';
import { CMS_OID } from './oids';
import { CmsAttribute, parseSignedData, ParsedSignedData, ParsedSignerInfo } from './parse';

/** What the CMS says and whether it holds up cryptographically; facts only, no judgement of trust. */
export interface SignedDataVerification {
  formatOk: boolean;
  digestAlgorithm: string | null; // SHA-256...
  signatureAlgorithm: string | null; // RSASSA-PKCS1-v1_5-SHA256, RSASSA-PSS-SHA256, ECDSA-SHA256...
  messageDigestMatches: boolean;
  signatureValid: boolean;
  signerCertificate?: Certificate;
  certificates: Certificate[];
  claimedSigningTime?: Date;
  /** ESS signing-certificate(-v2) attributes (each) match the signer's certificate; undefined when absent or no signer. */
  signingCertificateV2Matches?: boolean;
  /** The algorithms the signature relies on, for the algorithm policy (absent when unsupported). */
  crypto?: CryptoFacts;
  /** eContent when the CMS encapsulates its content (PAdES wants it detached). */
  encapsulatedContent?: Uint8Array;
  signerInfoCount: number;
  /** Stable codes: CMS_* format errors, DIGEST_ALGORITHM_UNSUPPORTED, SIGNER_CERTIFICATE_NOT_FOUND... */
  problems: string[];
}

export interface VerifySignedDataOptions {
  /** Certificates known from elsewhere, used to find a signer certificate the CMS does not embed. */
  extraCertificates?: Certificate[];
  /**
   * Digests of detached content already computed (node name -> digest), e.g. while streaming a big
   * file once: used instead of hashing `content` (which may then be empty).
   */
  contentDigests?: Readonly<Record<string, Uint8Array>>;
}

const attr = (attrs: CmsAttribute[], type: string): Uint8Array | undefined => {
  const found = attrs.filter((a) => a.type === type);
  return found.length === 1 && found[0].values.length === 1 ? found[0].values[0] : undefined;
};

/** The values of every instance of an attribute (RFC 5652 allows each to be multi-valued). */
const attrValues = (attrs: CmsAttribute[], type: string): Uint8Array[] =>
  attrs.filter((a) => a.type === type).flatMap((a) => a.values);

function findSigner(si: ParsedSignerInfo, candidates: Certificate[]): Certificate | undefined {
  const sid = si.sid;
  return candidates.find((c) => {
    if (sid.kind === 'subjectKeyIdentifier') return subjectKeyIdentifier(c) === sid.keyIdentifierHex;
    const p = certificateParts(c);
    return Buffer.from(p.serialDer).equals(Buffer.from(sid.serialDer)) && sameName(p.issuerDer, sid.issuerDer, c);
  });
}

// Byte equality is the common case; otherwise compare as names (RFC 5280 7.1).
function sameName(certIssuerDer: Uint8Array, sidIssuerDer: Uint8Array, cert: Certificate): boolean {
  if (Buffer.from(certIssuerDer).equals(Buffer.from(sidIssuerDer))) return true;
  const asn = asn1js.fromBER(toArrayBuffer(sidIssuerDer));
  if (asn.offset === -1) return false;
  try {
    return DistinguishedName.fromPkijs(new pkijs.RelativeDistinguishedNames({ schema: asn.result })).equals(
      cert.issuer,
    );
  } catch {
    return false;
  }
}

/**
 * ESSCertIDv2 / ESSCertID (RFC 5035 3, RFC 2634 5.4): the first cert id must hash to the signer's
 * certificate, and its issuerSerial (if present) must carry the signer's serial number.
 */
function checkSigningCertificate(value: Uint8Array, cert: Certificate, v2: boolean): boolean {
  const certs = children(value, readTlv(value))[0];
  const first = certs && children(value, certs)[0];
  if (!first) return false;
  const items = children(value, first);
  let i = 0;
  let hashName = v2 ? 'sha256' : 'sha1';
  if (v2 && items[0]?.tag === TAG.SEQUENCE) {
    const d = DIGESTS[decodeOid(tlvValue(value, children(value, items[0])[0]))];
    if (!d) return false;
    hashName = d.node;
    i++;
  }
  const hashT = items[i++];
  if (!hashT || hashT.tag !== TAG.OCTET_STRING) return false;
  if (!Buffer.from(tlvValue(value, hashT)).equals(createHash(hashName).update(cert.der).digest())) return false;
  const issuerSerial = items[i];
  if (!issuerSerial) return true;
  const serial = children(value, issuerSerial)[1];
  return !!serial && Buffer.from(tlvBytes(value, serial)).equals(Buffer.from(certificateParts(cert).serialDer));
}

/**
 * The signature over the DER signed attributes (RFC 5652 5.4), else over them in the order received:
 * signers that do not sort them exist, and OpenSSL (CMS_Attributes_Verify keeps the received order)
 * and NSS (pdfsig) find such signatures valid. The bytes signed are those parsed either way, so
 * nothing else is accepted; the encoding is reported (CMS_SIGNED_ATTRIBUTES_NOT_DER).
 */
function verifySignedAttributes(
  si: ParsedSignerInfo,
  signer: Certificate,
  scheme: NonNullable<ReturnType<typeof signatureScheme>>,
  problems: string[],
): boolean {
  const spki = signer.publicKeySpki;
  if (verifySignatureRemembered(spki, scheme, si.signedAttrsDer!, si.signature)) return true;
  if (!si.signedAttrsAsReceived || !verifySignatureRemembered(spki, scheme, si.signedAttrsAsReceived, si.signature))
    return false;
  problems.push('CMS_SIGNED_ATTRIBUTES_NOT_DER');
  return true;
}

function digestChunks(node: string, chunks: readonly Uint8Array[]): Buffer {
  const h = createHash(node);
  for (const c of chunks) h.update(c);
  return h.digest();
}

/**
 * Verifies a CMS SignedData over content given as chunks (hashed as a stream, never joined).
 * Never throws for malformed CMS: formatOk=false and the error code in problems.
 * The first SignerInfo is the signature reported; any other must verify too (PAdES wants one).
 */
export function verifySignedData(
  der: Uint8Array,
  content: readonly Uint8Array[],
  opts: VerifySignedDataOptions = {},
): SignedDataVerification {
  const result = emptyResult();
  let parsed: ParsedSignedData;
  try {
    parsed = parseSignedData(der);
  } catch (e) {
    result.problems.push(e instanceof PkiFormatError ? e.code : 'CMS_MALFORMED');
    return result;
  }
  try {
    verifyParsed(parsed, content, opts, result);
    // Other verifiers may show any SignerInfo: one that does not verify spoils the signature.
    for (const other of parsed.signerInfos.slice(1)) {
      const r = verifyParsed({ ...parsed, signerInfos: [other] }, content, opts, emptyResult());
      if (!r.formatOk || !r.messageDigestMatches || !r.signatureValid) {
        result.signatureValid = false;
        result.problems.push('CMS_OTHER_SIGNER_INVALID');
      }
    }
    return result;
  } catch (e) {
    // A malformed attribute value deep inside: still a format failure, not an exception.
    result.formatOk = false;
    result.problems.push(e instanceof PkiFormatError ? e.code : 'CMS_MALFORMED');
    return result;
  }
}

function emptyResult(): SignedDataVerification {
  return {
    formatOk: false,
    digestAlgorithm: null,
    signatureAlgorithm: null,
    messageDigestMatches: false,
    signatureValid: false,
    certificates: [],
    signerInfoCount: 0,
    problems: [],
  };
}

function verifyParsed(
  parsed: ParsedSignedData,
  content: readonly Uint8Array[],
  opts: VerifySignedDataOptions,
  result: SignedDataVerification,
): SignedDataVerification {
  result.formatOk = true;
  result.certificates = parsed.certificates;
  result.encapsulatedContent = parsed.encapContent;
  result.signerInfoCount = parsed.signerInfos.length;
  const si = parsed.signerInfos[0];
  if (parsed.signerInfos.length > 1) result.problems.push('CMS_MULTIPLE_SIGNERS');
  // RFC 5652 5.4: with eContent present the digest is over it, whatever the caller passed
  const chunks = parsed.encapContent ? [parsed.encapContent] : content;

  const digest = DIGESTS[si.digestAlgorithm.oid];
  result.digestAlgorithm = digest?.name ?? null;
  if (!digest) result.problems.push('DIGEST_ALGORITHM_UNSUPPORTED');
  const scheme = signatureScheme(si.signatureAlgorithm, si.digestAlgorithm.oid);
  result.signatureAlgorithm = scheme?.name ?? null;
  if (!scheme) result.problems.push('SIGNATURE_ALGORITHM_UNSUPPORTED');

  const signer = findSigner(si, [...parsed.certificates, ...(opts.extraCertificates ?? [])]);
  result.signerCertificate = signer;
  if (!signer) result.problems.push('SIGNER_CERTIFICATE_NOT_FOUND');
  if (scheme) {
    result.crypto = {
      digests: digest ? [digest.node] : [],
      signature: { name: scheme.name, digest: scheme.digest },
      key: signer ? describeSpki(signer.publicKeySpki) : undefined, // an unusable key fails the signature check
    };
  }

  if (si.signedAttrsDer) {
    const attrs = si.signedAttributes;
    const ct = attr(attrs, CMS_OID.contentType);
    // RFC 5652 5.3: with signed attributes, content-type and message-digest are mandatory.
    const ctProblem = !ct
      ? 'CMS_MISSING_CONTENT_TYPE'
      : readTlv(ct).tag !== TAG.OID || decodeOid(tlvValue(ct, readTlv(ct))) !== parsed.encapContentType
        ? 'CMS_CONTENT_TYPE_MISMATCH'
        : null;
    if (ctProblem) {
      result.formatOk = false;
      result.problems.push(ctProblem);
    }
    const md = attr(attrs, CMS_OID.messageDigest);
    if (!md) {
      result.formatOk = false;
      result.problems.push('CMS_MISSING_MESSAGE_DIGEST');
    } else if (readTlv(md).tag !== TAG.OCTET_STRING) {
      // MessageDigest ::= OCTET STRING (RFC 5652 11.2): other types are not a digest, whatever they hold.
      result.formatOk = false;
      result.problems.push('CMS_BAD_MESSAGE_DIGEST');
    } else if (digest) {
      const computed =
        (!parsed.encapContent && opts.contentDigests?.[digest.node]) || digestChunks(digest.node, chunks);
      result.messageDigestMatches = Buffer.from(tlvValue(md, readTlv(md))).equals(computed);
      if (!result.messageDigestMatches) result.problems.push('MESSAGE_DIGEST_MISMATCH');
    }
    const st = attr(attrs, CMS_OID.signingTime);
    if (st) {
      const t = readTlv(st);
      result.claimedSigningTime = decodeTime(t.tag, tlvValue(st, t));
      if (!result.claimedSigningTime) result.problems.push('CMS_BAD_SIGNING_TIME');
    }
    // Every instance of both versions counts: one naming another certificate is not ignored, even a v1
    // next to a matching v2 (pyHanko refuses several, DSS reads the references of both and fails any
    // that does not match).
    const essCertIds = [
      ...attrValues(attrs, CMS_OID.signingCertificateV2).map((v) => ({ v, v2: true })),
      ...attrValues(attrs, CMS_OID.signingCertificate).map((v) => ({ v, v2: false })),
    ];
    if (signer && essCertIds.length > 0)
      result.signingCertificateV2Matches = essCertIds.every(({ v, v2 }) => checkSigningCertificate(v, signer, v2));
    if (result.signingCertificateV2Matches === false) result.problems.push('SIGNING_CERTIFICATE_MISMATCH');
    if (signer && scheme) result.signatureValid = verifySignedAttributes(si, signer, scheme, result.problems);
  } else if (signer && scheme) {
    // No signed attributes: the signature is over the content itself (RFC 5652 5.4).
    result.signatureValid = verifySignature(publicKeyFromSpki(signer.publicKeySpki), scheme, chunks, si.signature);
    result.messageDigestMatches = result.signatureValid;
    result.problems.push('CMS_NO_SIGNED_ATTRIBUTES');
  }
  if (!result.signatureValid && signer && scheme) result.problems.push('SIGNATURE_INVALID');
  return result;
}
