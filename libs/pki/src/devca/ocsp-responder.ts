import { PkiFormatError } from '../errors';
import { CertId, certIdFor, OCSP_OID, OcspHash, parseOcspRequest, publicKeyBits } from '../revocation/ocsp/request';
import { CRL_REASONS, OCSP_RESPONSE_STATUS, OcspResponseStatus } from '../revocation/ocsp/response';
import { CrlReason } from '../revocation/types';
import { RawSigner } from '../signer';
import { Certificate } from '../x509/certificate';
import { der, enumerated, extension, generalizedTime, octetString, oid, seq, TAG } from '../asn1';
import { createHash } from 'node:crypto';
import { signStructure } from './sign';

export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

export interface OcspResponseOptions {
  /** A DER OCSPRequest: its CertIDs are answered as received and its nonce echoed. */
  request?: Uint8Array;
  /** Or the certificate asked about (CertID built with `hash`). */
  certificate?: Certificate;
  hash?: OcspHash;
  /** Default: from the CA's revocation records (revoked when recorded, else good or unknown, see `issued`). */
  status?: OcspCertStatus;
  /**
   * Whether the CA issued this serial (hex, upper case): a serial it never issued is `unknown`,
   * not `good` (RFC 6960 2.2; CA/B Forum BR 4.9.10). Without it every unrevoked serial is good.
   */
  issued?: (serialHex: string) => boolean;
  revocationTime?: Date;
  reason?: CrlReason;
  thisUpdate?: Date; // default now
  nextUpdate?: Date; // default: thisUpdate + validityMs, or none ("always fresh" responder)
  /** How long the answer stays valid: nextUpdate = thisUpdate + validityMs (when nextUpdate is not given). */
  validityMs?: number;
  producedAt?: Date; // default thisUpdate
  /** singleExtensions archiveCutoff (RFC 6960 4.4.4): status kept for certificates expired since. */
  archiveCutoff?: Date;
  /** 'ca' (default): signed by the issuing CA; or a delegated responder certificate and its signer. */
  responder?: 'ca' | { certificate: Certificate; signer: RawSigner };
  /** ResponderID byKey instead of byName. */
  responderIdByKey?: boolean;
  /** Echo the request's nonce (default true); bytes: this nonce instead; false: none. */
  nonce?: boolean | Uint8Array;
  /** A non-successful OCSPResponseStatus (tryLater, unauthorized...): no responseBytes. */
  responseStatus?: Exclude<OcspResponseStatus, 'successful' | 'unused'>;
}

/** What the responder needs from the CA: its certificate, signer, and revocation records by serial. */
export interface OcspIssuer {
  certificate: Certificate;
  signer: RawSigner;
  revocationOf(serialHex: string): { revocationDate: Date; reason?: CrlReason } | undefined;
}

function certStatus(status: OcspCertStatus, time: Date | undefined, reason: CrlReason | undefined): Uint8Array {
  if (status === 'good') return Uint8Array.of(0x80, 0);
  if (status === 'unknown') return Uint8Array.of(0x82, 0);
  if (!time) throw new PkiFormatError('OCSP_REVOCATION_TIME_REQUIRED', 'A revoked status needs a revocation time');
  const r = reason ? [der(TAG.context(0), enumerated(CRL_REASONS.indexOf(reason)))] : [];
  return der(TAG.context(1), generalizedTime(time), ...r);
}

/** A signed BasicOCSPResponse inside an OCSPResponse (RFC 6960 4.2.1), DER. */
export async function buildOcspResponse(ca: OcspIssuer, opts: OcspResponseOptions): Promise<Uint8Array> {
  if (opts.responseStatus) return seq(enumerated(OCSP_RESPONSE_STATUS.indexOf(opts.responseStatus)));
  const parsed = opts.request ? parseOcspRequest(opts.request) : undefined;
  const certIds: CertId[] =
    parsed?.certIds ?? (opts.certificate ? [certIdFor(opts.certificate, ca.certificate, opts.hash)] : []);
  if (certIds.length === 0) throw new PkiFormatError('OCSP_NOTHING_TO_ANSWER', 'Give a request or a certificate');
  const thisUpdate = opts.thisUpdate ?? new Date();
  const responder =
    opts.responder && opts.responder !== 'ca' ? opts.responder : { certificate: ca.certificate, signer: ca.signer };
  const responderId = opts.responderIdByKey
    ? der(
        TAG.context(2),
        octetString(createHash('sha1').update(publicKeyBits(responder.certificate.publicKeySpki)).digest()),
      )
    : der(TAG.context(1), responder.certificate.subject.der);
  const nextUpdate =
    opts.nextUpdate ?? (opts.validityMs !== undefined ? new Date(thisUpdate.getTime() + opts.validityMs) : undefined);
  const singles = certIds.map((id) => {
    const record = ca.revocationOf(id.serialNumber);
    const unissued = !record && opts.issued !== undefined && !opts.issued(id.serialNumber);
    const status = opts.status ?? (record ? 'revoked' : unissued ? 'unknown' : 'good');
    const body = [
      id.der,
      certStatus(status, opts.revocationTime ?? record?.revocationDate, opts.reason ?? record?.reason),
      generalizedTime(thisUpdate),
    ];
    if (nextUpdate) body.push(der(TAG.context(0), generalizedTime(nextUpdate)));
    if (opts.archiveCutoff)
      body.push(der(TAG.context(1), seq(extension(OCSP_OID.archiveCutoff, generalizedTime(opts.archiveCutoff)))));
    return seq(...body);
  });
  const nonce = opts.nonce instanceof Uint8Array ? opts.nonce : opts.nonce === false ? undefined : parsed?.nonce;
  const exts = nonce ? [der(TAG.context(1), seq(extension(OCSP_OID.nonce, octetString(nonce))))] : [];
  const tbs = seq(responderId, generalizedTime(opts.producedAt ?? thisUpdate), seq(...singles), ...exts);
  const certs = responder.certificate === ca.certificate ? [] : [der(TAG.context(0), seq(responder.certificate.der))];
  const basic = await signStructure(responder.signer, tbs, certs);
  return seq(enumerated(0), der(TAG.context(0), seq(oid(OCSP_OID.basic), octetString(basic))));
}
