import { createHash } from 'node:crypto';
import { PkiFormatError } from '../../errors';
import { publicKeyFromSpki, signatureScheme, verifySignature } from '../../x509/algorithms';
import { Certificate } from '../../x509/certificate';
import { extendedKeyUsage, keyUsage } from '../../x509/extensions';
import { certificateParts } from '../../x509/parts';
import { BoundedCache } from '../../x509/bounded-cache';
import { revokedAsOf, RevocationStatus } from '../types';
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

/** Budget: OCSP responses kept examined (per certificate and issuer), see OCSP_EXAMINED. */
export const OCSP_EXAMINED_ENTRIES = 512;

/**
 * What verifying a response for (certificate, issuer) finds whatever the time asked about, the
 * clock and the nonce: the parse, the responder, its signature, its authorisation (judged at the
 * response's own producedAt) and the single response naming the certificate.
 */
interface Examined {
  /** Codes that refuse the response before the nonce is looked at. */
  refused?: string[];
  basic?: BasicOcspResponse;
  /** Who signed: the issuer itself (not kept: the caller's is returned) or a delegated responder. */
  responder?: Certificate | 'issuer';
  responderNeedsRevocationCheck: boolean;
  /** The single response about the certificate; a code when reading the CertIDs threw. */
  single?: SingleResponse | string;
}

/**
 * Examinations by SHA-256 of (response DER, certificate DER, issuer DER): a pure function of those
 * bytes, so a hit never answers for other input. The same cached OCSP answer is verified by every
 * validation of a document (issue 16.3's profile: parse and RSA verify each time). What depends on
 * the time, the clock or the nonce is decided again on every call. `resize(0)` turns it off.
 */
export const OCSP_EXAMINED = new BoundedCache<string, Examined>(OCSP_EXAMINED_ENTRIES);

function examinedKey(der: Uint8Array, opts: VerifyOcspOptions): string {
  const h = createHash('sha256').update(der).digest('base64');
  return `${h}|${opts.certificate.sha256Hex}|${opts.issuer.sha256Hex}`;
}

/**
 * Verifies an OCSP response for one certificate and decides its status as of `time`. Never
 * throws: a malformed, unauthorised or unrelated response is `unknown` with stable codes.
 */
export function verifyOcspResponse(
  response: Uint8Array | ParsedOcspResponse,
  opts: VerifyOcspOptions,
): OcspVerification {
  const der = response instanceof Uint8Array ? response : response.der;
  // Parsed from a copy: an answer read out of a document must not keep the document's buffer.
  const found = OCSP_EXAMINED.getOrCompute(examinedKey(der, opts), () => examine(der.slice(), opts));
  const base = {
    responderCertificate: found.responder === 'issuer' ? opts.issuer : found.responder,
    delegated: !!found.responder && found.responder !== 'issuer',
    responderNeedsRevocationCheck: found.responderNeedsRevocationCheck,
  };
  if (found.refused) return unknown([...found.refused], found.responder ? base : {});
  return decide(found.basic!, found.single, der, base, opts);
}

function examine(der: Uint8Array, opts: VerifyOcspOptions): Examined {
  const refused = (problems: string[], extra: Partial<Examined> = {}): Examined => ({
    refused: problems,
    responderNeedsRevocationCheck: false,
    ...extra,
  });
  let parsed: ParsedOcspResponse;
  try {
    parsed = parseOcspResponse(der);
  } catch (e) {
    return refused([e instanceof PkiFormatError ? e.code : 'OCSP_RESPONSE_MALFORMED']);
  }
  if (parsed.responseStatus !== 'successful' || !parsed.basic) {
    return refused([`OCSP_RESPONSE_STATUS_${parsed.responseStatus.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`]);
  }
  const basic = parsed.basic;
  const { issuer } = opts;
  try {
    const candidates = [issuer, ...basic.certificates.filter((c) => c.sha256Hex !== issuer.sha256Hex)];
    const found = candidates.find((c) => responderMatches(basic.responderId, c));
    if (!found) return refused(['OCSP_RESPONDER_NOT_FOUND']);
    const responder = found === issuer ? ('issuer' as const) : found;
    if (!signedBy({ tbs: basic.tbsResponseData, alg: basic.signatureAlgorithm, sig: basic.signature }, found))
      return refused(['OCSP_SIGNATURE_INVALID'], { responder });
    let responderNeedsRevocationCheck = false;
    if (responder !== 'issuer') {
      const problems = delegationProblems(responder, issuer, basic.producedAt);
      if (problems.length) return refused(['OCSP_RESPONDER_UNAUTHORISED', ...problems], { responder });
      responderNeedsRevocationCheck = !responder.rawExtension(OCSP_OID.noCheck);
    }
    let single: SingleResponse | string | undefined;
    try {
      single = basic.responses.find((r) => certIdMatches(r.certId, opts.certificate, issuer));
    } catch (e) {
      single = e instanceof PkiFormatError ? e.code : 'OCSP_RESPONSE_MALFORMED';
    }
    return { basic, responder, responderNeedsRevocationCheck, single };
  } catch (e) {
    // A malformed certificate or extension inside an otherwise parseable response.
    return refused([e instanceof PkiFormatError ? e.code : 'OCSP_RESPONSE_MALFORMED']);
  }
}

/** The checks that depend on the call (nonce, clock, time asked about), in the order RFC 6960 leaves to us. */
function decide(
  basic: BasicOcspResponse,
  found: SingleResponse | string | undefined,
  evidence: Uint8Array,
  base: Pick<OcspVerification, 'responderCertificate' | 'delegated' | 'responderNeedsRevocationCheck'>,
  opts: VerifyOcspOptions,
): OcspVerification {
  const skew = opts.clockSkewMs ?? DEFAULT_OCSP_CLOCK_SKEW_MS;
  const now = (opts.now ?? opts.time).getTime();
  if (opts.nonce) {
    if (!basic.nonce) {
      if (opts.requireNonce) return unknown(['OCSP_NONCE_MISSING'], base);
    } else if (!Buffer.from(basic.nonce).equals(Buffer.from(opts.nonce))) return unknown(['OCSP_NONCE_MISMATCH'], base);
  }
  if (typeof found === 'string') return unknown([found]);
  if (!found) return unknown(['OCSP_CERT_ID_MISMATCH'], base);
  const single = found;

  // Copies: the parsed response is shared by every call that hits the cache.
  const date = (d: Date | undefined) => (d ? new Date(d.getTime()) : undefined);
  const times = {
    thisUpdate: date(single.thisUpdate),
    nextUpdate: date(single.nextUpdate),
    producedAt: date(basic.producedAt),
  };
  if (single.thisUpdate.getTime() > now + skew || basic.producedAt.getTime() > now + skew)
    return unknown(['OCSP_RESPONSE_NOT_YET_VALID'], { ...base, ...times });
  if (single.nextUpdate && single.nextUpdate.getTime() < single.thisUpdate.getTime())
    return unknown(['OCSP_RESPONSE_MALFORMED'], base);

  const t = opts.time.getTime();
  const known = { ...base, ...times, source: 'ocsp' as const, evidence, problems: [] as string[] };
  if (single.status === 'revoked') {
    const revokedAt = revokedAsOf(single.revocationTime!, single.thisUpdate);
    const revocation = { revocationTime: date(revokedAt), reason: single.revocationReason };
    // Revoked after the time asked about: it was good then (the revocation time is kept as a fact).
    if (revokedAt.getTime() <= t) return { ...known, status: 'revoked', ...revocation };
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
