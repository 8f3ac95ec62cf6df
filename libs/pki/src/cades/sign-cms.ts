import { der, octetString, oid, readTlv, seq, setOf, smallInteger, TAG, tlvValue } from '../asn1';
import { buildSignedAttributes, SHA256_ALG, SIGNATURE_ALG } from '../cms/build';
import { CMS_OID } from '../cms/oids';
import { parseSignedData } from '../cms/parse';
import { RawSigner } from '../signer';
import { requestTimestampToken, TimestampClient } from '../tsp/client';
import { Certificate } from '../x509/certificate';
import { certificateParts } from '../x509/parts';
import {
  archiveAttribute,
  archiveImprintInput,
  atsHashIndexV3,
  hashIndexAttribute,
  withTokenUnsignedAttribute,
} from './archive';
import { CmsContent, digestContent, readContent } from './content';
import { attribute, encodeSignedData, ocspRevocationChoice, SignedDataParts } from './structure';

/** CAdES baseline levels (ETSI EN 319 122-1 6). */
export const CADES_LEVELS = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type CadesLevel = (typeof CADES_LEVELS)[number];

/** What proves the signer's path good at signing time: embedded from B-LT on. */
export interface CadesEvidence {
  certificates: Certificate[];
  /** DER CertificateLists and OCSPResponses. */
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

export interface SignCmsOptions {
  signer: RawSigner;
  certificate: Certificate;
  /** The signer's issuer chain, leaf-most first. */
  chain: Certificate[];
  /** The signing-time attribute (a claim: only a timestamp proves a time). */
  signingTime: Date;
  /** Default B-B. */
  level?: CadesLevel;
  /** The TSA, required from B-T on (signature timestamp; B-LTA's archive timestamp too). */
  timestamp?: TimestampClient;
  /**
   * Required from B-LT on. As a function it is given the signature timestamp token, so that the
   * TSA's own path and revocation data join the signer's (as PAdES B-LT's DSS has them).
   */
  evidence?: CadesEvidence | ((signatureTimestampToken: Uint8Array) => Promise<CadesEvidence>);
  /** eContentType OID, default id-data. */
  contentType?: string;
}

const rank = (l: CadesLevel) => CADES_LEVELS.indexOf(l);

/**
 * A CAdES baseline signature (ETSI EN 319 122-1) over content: attached (eContent carries it) or
 * detached (only its SHA-256 is signed; a path or stream is hashed as it is read).
 */
export async function signCms(content: CmsContent, opts: SignCmsOptions & { detached?: boolean }): Promise<Uint8Array> {
  if (opts.detached === false) {
    const bytes = await readContent(content);
    const { digests } = await digestContent(bytes);
    return buildCades(digests.sha256, bytes, opts);
  }
  const { digests } = await digestContent(content);
  return buildCades(digests.sha256, undefined, opts);
}

/** A detached CAdES signature over content known only by its SHA-256 (sign-hash for clients' own containers). */
export function signCmsDigest(sha256: Uint8Array, opts: SignCmsOptions): Promise<Uint8Array> {
  if (sha256.length !== 32) throw new RangeError('A SHA-256 digest has 32 bytes');
  return buildCades(sha256, undefined, opts);
}

async function buildCades(digest: Uint8Array, eContent: Uint8Array | undefined, opts: SignCmsOptions) {
  const level = opts.level ?? 'B-B';
  if (rank(level) >= rank('B-T') && !opts.timestamp) throw new RangeError(`Level ${level} needs a TSA`);
  if (rank(level) >= rank('B-LT') && !opts.evidence) throw new RangeError(`Level ${level} needs validation evidence`);
  const contentType = opts.contentType ?? CMS_OID.data;
  const signedAttrs = buildSignedAttributes({
    contentDigest: digest,
    signerCertificate: opts.certificate,
    certificates: [],
    signer: opts.signer,
    contentType,
    includeSigningTimeAttribute: true,
    signingTime: opts.signingTime,
  });
  const signature = await opts.signer.sign(signedAttrs);
  const sid = certificateParts(opts.certificate);
  const parts: SignedDataParts = {
    version: smallInteger(1),
    digestAlgorithms: setOf([SHA256_ALG]),
    eContentType: oid(contentType),
    eContent,
    certificates: [],
    crls: [],
    signer: {
      signedFields: [
        smallInteger(1),
        seq(sid.issuerDer, sid.serialDer),
        SHA256_ALG,
        der(TAG.context(0), tlvValue(signedAttrs, readTlv(signedAttrs))),
        SIGNATURE_ALG[opts.signer.algorithm],
        octetString(signature),
      ],
      signature,
      unsignedAttrs: [],
    },
  };
  let certificates = [opts.certificate, ...opts.chain];
  let token: Uint8Array | undefined;
  if (rank(level) >= rank('B-T')) {
    token = await requestTimestampToken(opts.timestamp!, [signature]);
    parts.signer.unsignedAttrs.push(attribute(CMS_OID.timeStampToken, token));
    if (rank(level) >= rank('B-LT')) certificates.push(...parseSignedData(token).certificates);
  }
  if (rank(level) >= rank('B-LT')) {
    const ev = typeof opts.evidence === 'function' ? await opts.evidence(token!) : opts.evidence!;
    certificates.push(...ev.certificates);
    parts.crls = [...ev.crls, ...ev.ocsps.map(ocspRevocationChoice)];
  }
  certificates = certificates.filter((c, i) => certificates.findIndex((d) => d.sha256Hex === c.sha256Hex) === i);
  parts.certificates = certificates.map((c) => c.der);
  if (level === 'B-LTA') {
    const index = atsHashIndexV3(parts);
    const token = await requestTimestampToken(opts.timestamp!, [archiveImprintInput(parts, digest, index)]);
    parts.signer.unsignedAttrs.push(archiveAttribute(withTokenUnsignedAttribute(token, hashIndexAttribute(index))));
  }
  return encodeSignedData(parts);
}
