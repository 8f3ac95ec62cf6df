import { createHash } from 'node:crypto';
import { RawSigner } from '../signer';
import { OID_ECDSA_WITH_SHA256, OID_SHA256, OID_SHA256_WITH_RSA } from '../x509/algorithms';
import { Certificate } from '../x509/certificate';
import { certificateParts } from '../x509/parts';
import { der, NULL_DER, octetString, oid, readTlv, seq, setOf, smallInteger, TAG, time, tlvValue } from '../asn1';
import { CMS_OID } from './oids';

export interface BuildSignedDataOptions {
  /** SHA-256 of the signed content (for PAdES: of the concatenated byte ranges). */
  contentDigest: Uint8Array;
  signerCertificate: Certificate;
  /** Certificates to embed (the signer's and its chain); the signer's is added when missing. */
  certificates: Certificate[];
  signer: RawSigner;
  contentType?: string; // OID, default id-data
  /** A signing-time attribute; false for PAdES, where the time is /M in the signature dictionary. */
  includeSigningTimeAttribute?: boolean;
  signingTime?: Date;
  /**
   * PAdES B-T / CAdES-T: asks a TSA for a token over the signature value (RFC 3161 Appendix A:
   * the imprint is the hash of the signature octets) and adds it as the unsigned attribute
   * id-aa-signatureTimeStampToken. Given the signature value, resolves with the TimeStampToken DER.
   */
  signatureTimestamp?: (signatureValue: Uint8Array) => Promise<Uint8Array>;
  /**
   * Revocation data signed with the signature, as Acrobat does (adbe-revocationInfoArchival,
   * ISO 32000-1 12.8.3.3.2): CRLs and OCSPResponses, DER.
   */
  revocationInfoArchival?: { crls: Uint8Array[]; ocsps: Uint8Array[] };
}

export const SHA256_ALG = seq(oid(OID_SHA256)); // parameters absent (RFC 5754 2)
export const SIGNATURE_ALG: Record<RawSigner['algorithm'], Uint8Array> = {
  'RSASSA-PKCS1-v1_5-SHA256': seq(oid(OID_SHA256_WITH_RSA), NULL_DER), // NULL required (RFC 4055 5)
  'ECDSA-P256-SHA256': seq(oid(OID_ECDSA_WITH_SHA256)), // parameters absent (RFC 5758 3.2)
};

const attribute = (type: string, value: Uint8Array) => seq(oid(type), setOf([value]));

/** ESS signingCertificateV2 (RFC 5035 3): ESSCertIDv2 with SHA-256 (the default, so omitted) and issuerSerial. */
function signingCertificateV2(cert: Certificate): Uint8Array {
  const parts = certificateParts(cert);
  const certHash = createHash('sha256').update(cert.der).digest();
  const issuerSerial = seq(seq(der(TAG.context(4), parts.issuerDer)), parts.serialDer);
  return seq(seq(seq(octetString(certHash), issuerSerial)));
}

/**
 * The DER SET OF signed attributes (sorted), exactly the bytes the signature covers
 * (RFC 5652 5.4); inside SignerInfo the same contents carry the [0] IMPLICIT tag.
 */
export function buildSignedAttributes(opts: BuildSignedDataOptions): Uint8Array {
  if (opts.contentDigest.length !== 32) throw new Error('contentDigest must be a SHA-256 digest (32 bytes)');
  const attrs = [
    attribute(CMS_OID.contentType, oid(opts.contentType ?? CMS_OID.data)),
    attribute(CMS_OID.messageDigest, octetString(opts.contentDigest)),
    attribute(CMS_OID.signingCertificateV2, signingCertificateV2(opts.signerCertificate)),
  ];
  const archive = opts.revocationInfoArchival;
  if (archive) {
    const parts = [
      ...(archive.crls.length ? [der(TAG.context(0), seq(...archive.crls))] : []),
      ...(archive.ocsps.length ? [der(TAG.context(1), seq(...archive.ocsps))] : []),
    ];
    attrs.push(attribute(CMS_OID.adbeRevocationInfoArchival, seq(...parts)));
  }
  if (opts.includeSigningTimeAttribute) {
    if (!opts.signingTime) throw new Error('signingTime is required with includeSigningTimeAttribute');
    attrs.push(attribute(CMS_OID.signingTime, time(opts.signingTime)));
  }
  return setOf(attrs);
}

/** A detached CMS ContentInfo(SignedData), DER, one SignerInfo with issuerAndSerialNumber (version 1). */
export async function buildSignedData(opts: BuildSignedDataOptions): Promise<Uint8Array> {
  const signedAttrs = buildSignedAttributes(opts);
  const signature = await opts.signer.sign(signedAttrs);
  const unsignedAttrs = opts.signatureTimestamp
    ? [der(TAG.context(1), attribute(CMS_OID.timeStampToken, await opts.signatureTimestamp(signature)))]
    : [];
  const signerParts = certificateParts(opts.signerCertificate);
  const all = [opts.signerCertificate, ...opts.certificates];
  const unique = all.filter((c, i) => all.findIndex((d) => d.sha256Hex === c.sha256Hex) === i);
  const signerInfo = seq(
    smallInteger(1),
    seq(signerParts.issuerDer, signerParts.serialDer),
    SHA256_ALG,
    der(TAG.context(0), tlvValue(signedAttrs, readTlv(signedAttrs))),
    SIGNATURE_ALG[opts.signer.algorithm],
    octetString(signature),
    ...unsignedAttrs,
  );
  const signedData = seq(
    smallInteger(1),
    setOf([SHA256_ALG]),
    seq(oid(opts.contentType ?? CMS_OID.data)), // detached: no eContent
    setOf(
      unique.map((c) => c.der),
      TAG.context(0),
    ), // original DER of each certificate, DER-sorted
    setOf([signerInfo]),
  );
  return seq(oid(CMS_OID.signedData), der(TAG.context(0), signedData));
}
