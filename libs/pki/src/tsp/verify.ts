import { createHash } from 'node:crypto';
import { parseSignedData, verifySignedData } from '../cms';
import { PkiFormatError } from '../errors';
import { DIGESTS } from '../x509/algorithms';
import { CryptoFacts } from '../validation/algorithm-policy';
import { Certificate } from '../x509/certificate';
import { EXT, extendedKeyUsage } from '../x509/extensions';
import { TSP_OID } from './request';
import { parseTimeStampResponse, parseTstInfo, PkiStatus, TstInfo } from './token';

export interface VerifyTimeStampOptions {
  /** What was timestamped: its hash (compared with the token's imprint) or the data itself (chunks). */
  imprint?: Uint8Array;
  data?: Uint8Array | readonly Uint8Array[];
  /** The nonce sent in the request. */
  nonce?: bigint;
  /** Certificates known from elsewhere (a token without certReq does not embed the TSA's). */
  extraCertificates?: Certificate[];
}

/**
 * Facts about a timestamp token; trust in the TSA certificate is the caller's next step
 * (validatePath with the id-kp-timeStamping purpose at genTime).
 */
export interface TimeStampVerification {
  valid: boolean;
  genTime?: Date;
  tstInfo?: TstInfo;
  tsaCertificate?: Certificate;
  certificates: Certificate[];
  /** The algorithms the token relies on (its CMS signature and the imprint's digest), for the algorithm policy. */
  crypto?: CryptoFacts;
  /** Stable codes: TSP_*, TSA_CERTIFICATE_*, and the CMS codes of a malformed token. */
  problems: string[];
}

/** RFC 3161 2.3: the TSA certificate has exactly one EKU, id-kp-timeStamping, and the extension is critical. */
function isTimeStampingCertificate(cert: Certificate): boolean {
  const ext = cert.extension(EXT.extKeyUsage);
  try {
    const eku = extendedKeyUsage(cert);
    return !!ext?.critical && eku?.length === 1 && eku[0] === TSP_OID.timeStamping;
  } catch {
    return false;
  }
}

function imprintMatches(tst: TstInfo, opts: VerifyTimeStampOptions): boolean | undefined {
  if (opts.imprint) return Buffer.from(opts.imprint).equals(Buffer.from(tst.messageImprint.hashedMessage));
  if (!opts.data) return undefined;
  const digest = DIGESTS[tst.messageImprint.hashAlgorithm];
  if (!digest) return false;
  const h = createHash(digest.node);
  for (const chunk of opts.data instanceof Uint8Array ? [opts.data] : opts.data) h.update(chunk);
  return h.digest().equals(Buffer.from(tst.messageImprint.hashedMessage));
}

/** Verifies a TimeStampToken (CMS SignedData over a TSTInfo, RFC 3161 2.4.2). Never throws. */
export function verifyTimeStampToken(token: Uint8Array, opts: VerifyTimeStampOptions = {}): TimeStampVerification {
  const out: TimeStampVerification = { valid: false, certificates: [], problems: [] };
  const cms = verifySignedData(token, [], { extraCertificates: opts.extraCertificates });
  out.certificates = cms.certificates;
  if (!cms.formatOk) {
    out.problems.push('TSP_TOKEN_MALFORMED', ...cms.problems);
    return out;
  }
  try {
    const parsed = parseSignedData(token);
    if (parsed.encapContentType !== TSP_OID.tstInfo || !parsed.encapContent) {
      out.problems.push('TSP_NOT_TST_INFO');
      return out;
    }
    out.tstInfo = parseTstInfo(parsed.encapContent);
  } catch (e) {
    out.problems.push(e instanceof PkiFormatError ? e.code : 'TSP_TOKEN_MALFORMED');
    return out;
  }
  const tst = out.tstInfo;
  out.genTime = tst.genTime;
  out.tsaCertificate = cms.signerCertificate;
  const imprintDigest = DIGESTS[tst.messageImprint.hashAlgorithm]?.node;
  if (cms.crypto)
    out.crypto = { ...cms.crypto, digests: [...cms.crypto.digests, ...(imprintDigest ? [imprintDigest] : [])] };
  if (!cms.signerCertificate) out.problems.push('TSA_CERTIFICATE_NOT_FOUND');
  else {
    if (!cms.signatureValid) out.problems.push('TSP_SIGNATURE_INVALID');
    if (!isTimeStampingCertificate(cms.signerCertificate)) out.problems.push('TSA_CERTIFICATE_NOT_FOR_TIMESTAMPING');
    if (!cms.signerCertificate.isWithinValidity(tst.genTime))
      out.problems.push('TSA_CERTIFICATE_NOT_VALID_AT_GEN_TIME');
  }
  if (!cms.messageDigestMatches) out.problems.push('TSP_MESSAGE_DIGEST_MISMATCH');
  // RFC 3161 2.4.1: the ESS signing certificate attribute is mandatory in the token.
  if (cms.signingCertificateV2Matches === undefined && cms.signerCertificate)
    out.problems.push('TSP_NO_SIGNING_CERTIFICATE_ATTRIBUTE');
  if (cms.signingCertificateV2Matches === false) out.problems.push('TSP_SIGNING_CERTIFICATE_MISMATCH');
  if (imprintMatches(tst, opts) === false) out.problems.push('TSP_IMPRINT_MISMATCH');
  if (opts.nonce !== undefined && tst.nonce !== opts.nonce) out.problems.push('TSP_NONCE_MISMATCH');
  out.valid = out.problems.length === 0;
  return out;
}

/** Verifies a TimeStampResp: a granted status with a token that verifies. Never throws. */
export function verifyTimeStampResponse(
  response: Uint8Array,
  opts: VerifyTimeStampOptions = {},
): TimeStampVerification & { status?: PkiStatus; failInfo: string[] } {
  try {
    const r = parseTimeStampResponse(response);
    if (!r.token)
      return { valid: false, certificates: [], problems: ['TSP_NOT_GRANTED'], status: r.status, failInfo: r.failInfo };
    return { ...verifyTimeStampToken(r.token, opts), status: r.status, failInfo: r.failInfo };
  } catch (e) {
    return {
      valid: false,
      certificates: [],
      problems: [e instanceof PkiFormatError ? e.code : 'TSP_RESPONSE_MALFORMED'],
      failInfo: [],
    };
  }
}
