import { createHash } from 'node:crypto';
import { PkiFormatError } from '../../errors';
import { publicKeyFromSpki, signatureScheme, verifySignature } from '../../x509/algorithms';
import { Certificate } from '../../x509/certificate';
import { extendedKeyUsage, keyUsage } from '../../x509/extensions';
import { certificateParts } from '../../x509/parts';
import { RevocationStatus } from '../types';
import { certIdMatches, OCSP_OID, publicKeyBits } from './request';
import { BasicOcspResponse, parseOcspResponse, ParsedOcspResponse, ResponderId, SingleResponse } from './response';

/** Default tolerance between our clock and the responder's (thisUpdate/producedAt in the future, nextUpdate just past). */
export const DEFAULT_OCSP_CLOCK_SKEW_MS = 5 * 60_000;

export interface VerifyOcspOptions {
  certificate: Certificate;
  issuer: Certificate;
  /** The status is decided as of this time (e.g. the signing time). */
  time: Date;
  /** The current time, for "not produced in the future" (default: `time`). */
  now?: Date;
  clockSkewMs?: number;
  /** The nonce sent in the request: the response must echo it when it carries one. */
  nonce?: Uint8Array;
  /** Refuse a response without the nonce we sent (replay protection); default false (RFC 8954 3). */
  requireNonce?: boolean;
}

export interface OcspVerification extends RevocationStatus {
  /** The certificate that signed the response: the issuer itself or a delegated responder. */
  responderCertificate?: Certificate;
  delegated: boolean;
  /**
   * A delegated responder without id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): its own status must
   * be checked before this answer is trusted; the caller does it (OcspRevocationChecker does).
   */
  responderNeedsRevocationCheck: boolean;
}

const unknown = (problems: string[], extra: Partial<OcspVerification> = {}): OcspVerification => ({
  status: 'unknown',
  source: null,
  problems,
  delegated: false,
  responderNeedsRevocationCheck: false,
  ...extra,
});

const keyHashOf = (cert: Certificate) =>
  createHash('sha1').update(publicKeyBits(cert.publicKeySpki)).digest('hex').toUpperCase();

function responderMatches(id: ResponderId, cert: Certificate): boolean {
  if ('byKeyHash' in id) return id.byKeyHash === keyHashOf(cert);
  return Buffer.from(id.byName).equals(Buffer.from(cert.subject.der));
}

function signedBy(
  data: { tbs: Uint8Array; alg: Parameters<typeof signatureScheme>[0]; sig: Uint8Array },
  signer: Certificate,
): boolean {
  const scheme = signatureScheme(data.alg);
  if (!scheme) return false;
  try {
    return verifySignature(publicKeyFromSpki(signer.publicKeySpki), scheme, data.tbs, data.sig);
  } catch {
    return false;
  }
}

/** RFC 6960 4.2.2.2: a delegated responder is certified by the issuer for OCSP signing. */
function delegationProblems(responder: Certificate, issuer: Certificate, at: Date): string[] {
  const problems: string[] = [];
  const parts = certificateParts(responder);
  if (
    !responder.issuer.equals(issuer.subject) ||
    !signedBy({ tbs: parts.tbs, alg: parts.signatureAlgorithm, sig: parts.signatureValue }, issuer)
  )
    problems.push('OCSP_RESPONDER_NOT_ISSUED_BY_CA');
  if (!(extendedKeyUsage(responder) ?? []).includes(OCSP_OID.ocspSigning))
    problems.push('OCSP_RESPONDER_NO_OCSP_SIGNING');
  const ku = keyUsage(responder);
  if (ku && !ku.has('digitalSignature') && !ku.has('nonRepudiation')) problems.push('OCSP_RESPONDER_KEY_USAGE');
  if (!responder.isWithinValidity(at)) problems.push('OCSP_RESPONDER_CERTIFICATE_EXPIRED');
  return problems;
}

/**
 * A responder need not keep the status of expired certificates (RFC 6960 4.4.4): "good" issued
 * after the certificate's notAfter proves nothing unless its archiveCutoff reaches back to it, as
 * a CRL issued after the expiry needs ExpiredCertsOnCRL (crl-checker.ts; DSS judges both alike).
 */
function speaksForExpired(single: SingleResponse, cert: Certificate): boolean {
  const notAfter = cert.notAfter.getTime();
  return (
    single.thisUpdate.getTime() <= notAfter || (!!single.archiveCutoff && single.archiveCutoff.getTime() <= notAfter)
  );
}

/**
 * Verifies an OCSP response for one certificate and decides its status as of `time`. Never
 * throws: a malformed, unauthorised or unrelated response is `unknown` with stable codes.
 */
export function verifyOcspResponse(
  response: Uint8Array | ParsedOcspResponse,
  opts: VerifyOcspOptions,
): OcspVerification {
  let parsed: ParsedOcspResponse;
  try {
    parsed = response instanceof Uint8Array ? parseOcspResponse(response) : response;
  } catch (e) {
    return unknown([e instanceof PkiFormatError ? e.code : 'OCSP_RESPONSE_MALFORMED']);
  }
  if (parsed.responseStatus !== 'successful' || !parsed.basic) {
    return unknown([`OCSP_RESPONSE_STATUS_${parsed.responseStatus.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`]);
  }
  try {
    return decide(parsed.basic, parsed.der, opts);
  } catch (e) {
    // A malformed certificate or extension inside an otherwise parseable response.
    return unknown([e instanceof PkiFormatError ? e.code : 'OCSP_RESPONSE_MALFORMED']);
  }
}

function decide(basic: BasicOcspResponse, evidence: Uint8Array, opts: VerifyOcspOptions): OcspVerification {
  const skew = opts.clockSkewMs ?? DEFAULT_OCSP_CLOCK_SKEW_MS;
  const now = (opts.now ?? opts.time).getTime();
  const { issuer } = opts;
  const candidates = [issuer, ...basic.certificates.filter((c) => c.sha256Hex !== issuer.sha256Hex)];
  const responder = candidates.find((c) => responderMatches(basic.responderId, c));
  if (!responder) return unknown(['OCSP_RESPONDER_NOT_FOUND']);
  const delegated = responder !== issuer;
  const base = { responderCertificate: responder, delegated, responderNeedsRevocationCheck: false };

  if (!signedBy({ tbs: basic.tbsResponseData, alg: basic.signatureAlgorithm, sig: basic.signature }, responder))
    return unknown(['OCSP_SIGNATURE_INVALID'], base);
  if (delegated) {
    const problems = delegationProblems(responder, issuer, basic.producedAt);
    if (problems.length) return unknown(['OCSP_RESPONDER_UNAUTHORISED', ...problems], base);
    base.responderNeedsRevocationCheck = !responder.rawExtension(OCSP_OID.noCheck);
  }
  if (opts.nonce) {
    if (!basic.nonce) {
      if (opts.requireNonce) return unknown(['OCSP_NONCE_MISSING'], base);
    } else if (!Buffer.from(basic.nonce).equals(Buffer.from(opts.nonce))) return unknown(['OCSP_NONCE_MISMATCH'], base);
  }
  const single = basic.responses.find((r) => certIdMatches(r.certId, opts.certificate, issuer));
  if (!single) return unknown(['OCSP_CERT_ID_MISMATCH'], base);

  const times = { thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate, producedAt: basic.producedAt };
  if (single.thisUpdate.getTime() > now + skew || basic.producedAt.getTime() > now + skew)
    return unknown(['OCSP_RESPONSE_NOT_YET_VALID'], { ...base, ...times });
  if (single.nextUpdate && single.nextUpdate.getTime() < single.thisUpdate.getTime())
    return unknown(['OCSP_RESPONSE_MALFORMED'], base);

  const t = opts.time.getTime();
  const known = { ...base, ...times, source: 'ocsp' as const, evidence, problems: [] as string[] };
  if (single.status === 'revoked') {
    const revocation = { revocationTime: single.revocationTime, reason: single.revocationReason };
    // Revoked after the time asked about: it was good then (the revocation time is kept as a fact).
    if (single.revocationTime!.getTime() <= t) return { ...known, status: 'revoked', ...revocation };
    return { ...known, status: 'good', ...revocation };
  }
  if (single.status === 'unknown') return unknown(['OCSP_CERT_STATUS_UNKNOWN'], { ...base, ...times, evidence });
  // "good" speaks for thisUpdate, and up to nextUpdate: it must reach the time asked about.
  const covers =
    single.thisUpdate.getTime() >= t - skew ||
    (single.nextUpdate !== undefined && single.nextUpdate.getTime() + skew >= t);
  if (!covers) return unknown(['OCSP_RESPONSE_TOO_OLD'], { ...base, ...times, evidence });
  if (!speaksForExpired(single, opts.certificate))
    return unknown(['OCSP_ISSUED_AFTER_CERTIFICATE_EXPIRY'], { ...base, ...times, evidence });
  return { ...known, status: 'good' };
}
