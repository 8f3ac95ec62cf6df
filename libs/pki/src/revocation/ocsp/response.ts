import { PkiFormatError } from '../../errors';
import { Certificate } from '../../x509/certificate';
import { guard, ParsedExtension, readExtensions, readOid, readTime, topLevel } from '../../asn1';
import { AlgorithmId, readAlgorithmId } from '../../asn1';
import { children, readTlv, TAG, Tlv, tlvBytes, tlvValue } from '../../asn1';
import { CrlReason } from '../types';
import { MAX_OCSP_RESPONSE_BYTES } from '../../budgets';
import { CertId, OCSP_OID, readCertId, unwrapNonce } from './request';

/** RFC 6960 4.2.1 OCSPResponseStatus. */
export const OCSP_RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  'unused',
  'sigRequired',
  'unauthorized',
] as const;
export type OcspResponseStatus = (typeof OCSP_RESPONSE_STATUS)[number];

/** RFC 5280 5.3.1 CRLReason by code (7 is unused). */
export const CRL_REASONS: (CrlReason | undefined)[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

export type ResponderId = { byName: Uint8Array } | { byKeyHash: string };

export interface SingleResponse {
  certId: CertId;
  status: 'good' | 'revoked' | 'unknown';
  revocationTime?: Date;
  revocationReason?: CrlReason;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** RFC 6960 4.4.4 singleExtensions archiveCutoff: the responder keeps status from this time on. */
  archiveCutoff?: Date;
}

export interface BasicOcspResponse {
  /** ResponseData exactly as received: the bytes the signature covers. */
  tbsResponseData: Uint8Array;
  responderId: ResponderId;
  producedAt: Date;
  responses: SingleResponse[];
  extensions: ParsedExtension[];
  nonce?: Uint8Array;
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
  certificates: Certificate[];
}

export interface ParsedOcspResponse {
  der: Uint8Array;
  responseStatus: OcspResponseStatus;
  /** Present when responseStatus is successful. */
  basic?: BasicOcspResponse;
}

const CODE = 'OCSP_RESPONSE_MALFORMED';
const fail = (message: string): never => {
  throw new PkiFormatError(CODE, message);
};

/**
 * Parses a DER OCSPResponse (RFC 6960 4.2.1), keeping the original bytes. Throws PkiFormatError
 * with OCSP_RESPONSE_{EMPTY,TOO_LARGE,TRAILING_DATA,MALFORMED,UNSUPPORTED_TYPE} (or
 * MALFORMED_CERTIFICATE for an embedded certificate); never another error.
 */
export function parseOcspResponse(input: Uint8Array): ParsedOcspResponse {
  return guard(CODE, () => {
    const top = topLevel(input, 'OCSP_RESPONSE', MAX_OCSP_RESPONSE_BYTES);
    const [statusT, bytesT] = children(input, top);
    if (!statusT || statusT.tag !== TAG.ENUMERATED || statusT.end - statusT.valueStart !== 1)
      fail('Bad responseStatus');
    const responseStatus = OCSP_RESPONSE_STATUS[input[statusT.valueStart]];
    if (!responseStatus || responseStatus === 'unused') fail('Unknown responseStatus');
    if (responseStatus !== 'successful') return { der: input, responseStatus };
    if (!bytesT || bytesT.tag !== TAG.context(0)) fail('A successful response without responseBytes');
    const rb = readTlv(input, bytesT.valueStart, bytesT.end);
    const [typeT, octetsT] = children(input, rb);
    if (readOid(input, typeT, CODE) !== OCSP_OID.basic)
      throw new PkiFormatError('OCSP_RESPONSE_UNSUPPORTED_TYPE', 'Not a basic OCSP response');
    if (!octetsT || octetsT.tag !== TAG.OCTET_STRING) fail('Bad response OCTET STRING');
    const inner = readTlv(input, octetsT.valueStart, octetsT.end);
    if (inner.end !== octetsT.end) fail('Data after BasicOCSPResponse');
    return { der: input, responseStatus, basic: parseBasic(input, inner) };
  });
}

function parseBasic(b: Uint8Array, t: Tlv): BasicOcspResponse {
  if (t.tag !== TAG.SEQUENCE) fail('BasicOCSPResponse is not a SEQUENCE');
  const [tbsT, algT, sigT, certsT] = children(b, t);
  if (!tbsT || tbsT.tag !== TAG.SEQUENCE || !algT || sigT?.tag !== TAG.BIT_STRING)
    fail('BasicOCSPResponse is truncated');
  const items = children(b, tbsT);
  let i = items[0]?.tag === TAG.context(0) ? 1 : 0; // version v1 (DEFAULT, may be explicit)
  const ridT = items[i++];
  let responderId: ResponderId;
  if (ridT?.tag === TAG.context(1)) responderId = { byName: tlvBytes(b, readTlv(b, ridT.valueStart, ridT.end)) };
  else if (ridT?.tag === TAG.context(2)) {
    const os = readTlv(b, ridT.valueStart, ridT.end);
    if (os.tag !== TAG.OCTET_STRING) fail('Bad ResponderID byKey');
    responderId = { byKeyHash: Buffer.from(tlvValue(b, os)).toString('hex').toUpperCase() };
  } else return fail('Bad ResponderID');
  const producedAt = readTime(b, items[i++], CODE);
  const listT = items[i++];
  if (!listT || listT.tag !== TAG.SEQUENCE) fail('Bad responses');
  const responses = children(b, listT).map((r) => singleResponse(b, r));
  let extensions: ParsedExtension[] = [];
  const extT = items[i];
  if (extT?.tag === TAG.context(1)) extensions = readExtensions(b, readTlv(b, extT.valueStart, extT.end), CODE);
  const nonceExt = extensions.find((e) => e.oid === OCSP_OID.nonce);
  let certificates: Certificate[] = [];
  if (certsT) {
    if (certsT.tag !== TAG.context(0)) fail('Bad certs');
    const list = readTlv(b, certsT.valueStart, certsT.end);
    certificates = children(b, list).map((c) => Certificate.fromDer(tlvBytes(b, c)));
  }
  const sigBits = tlvValue(b, sigT);
  if (sigBits.length < 1 || sigBits[0] !== 0) fail('Bad signature BIT STRING');
  return {
    tbsResponseData: tlvBytes(b, tbsT),
    responderId,
    producedAt,
    responses,
    extensions,
    nonce: nonceExt ? unwrapNonce(nonceExt.value) : undefined,
    signatureAlgorithm: readAlgorithmId(b, algT),
    signature: sigBits.subarray(1),
    certificates,
  };
}

function singleResponse(b: Uint8Array, t: Tlv): SingleResponse {
  const items = children(b, t);
  const certId = readCertId(b, items[0], CODE);
  const st = items[1] ?? fail('SingleResponse without certStatus');
  const thisUpdate = readTime(b, items[2], CODE);
  const next =
    items[3]?.tag === TAG.context(0) ? readTime(b, readTlv(b, items[3].valueStart, items[3].end), CODE) : undefined;
  const out: SingleResponse = { certId, status: 'unknown', thisUpdate, nextUpdate: next };
  const extT = items.slice(3).find((x) => x.tag === TAG.context(1)); // [1] is also a revoked certStatus
  if (extT) {
    const cutoff = readExtensions(b, readTlv(b, extT.valueStart, extT.end), CODE).find(
      (e) => e.oid === OCSP_OID.archiveCutoff,
    );
    if (cutoff) out.archiveCutoff = readTime(cutoff.value, readTlv(cutoff.value), CODE);
  }
  if (st.tag === TAG.context(0, false)) out.status = 'good';
  else if (st.tag === TAG.context(2, false)) out.status = 'unknown';
  else if (st.tag === TAG.context(1)) {
    out.status = 'revoked';
    const [timeT, reasonT] = children(b, st);
    out.revocationTime = readTime(b, timeT, CODE);
    if (reasonT) {
      if (reasonT.tag !== TAG.context(0)) fail('Bad revocationReason');
      const e = readTlv(b, reasonT.valueStart, reasonT.end);
      if (e.tag !== TAG.ENUMERATED || e.end - e.valueStart !== 1) fail('Bad revocationReason');
      out.revocationReason = CRL_REASONS[b[e.valueStart]] ?? fail('Unknown revocationReason');
    }
  } else fail('Bad certStatus');
  return out;
}
