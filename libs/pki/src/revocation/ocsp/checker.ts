import { PkiFormatError } from '../../errors';
import { Certificate } from '../../x509/certificate';
import { ACCESS_METHOD, accessUrls } from '../../x509/authority-info-access';
import {
  fetchFailureProblem,
  RevocationChecker,
  RevocationFetcher,
  RevocationQuery,
  RevocationStatus,
  unknownStatus,
} from '../types';
import { buildOcspRequest } from './request';
import { verifyOcspResponse } from './verify';
import { MAX_OCSP_URLS } from '../../budgets';

/** The OCSP responder URLs of a certificate's authorityInfoAccess (RFC 5280 4.2.2.1); [] when none or malformed. */
export const ocspUrls = (cert: Certificate): string[] => accessUrls(cert, ACCESS_METHOD.ocsp);

export interface OcspCheckerOptions {
  /** Responses in hand (e.g. from a PDF's DSS or a cache), DER. */
  responses?: Uint8Array[];
  /** The network; when absent only `responses` are used (offline). */
  fetcher?: RevocationFetcher;
  /** The current time (freshness); injected, default the system clock at the edge. */
  clock?: () => Date;
  clockSkewMs?: number;
  /** Send a nonce and insist the responder echo it (default: send, accept responders that ignore it). */
  nonce?: boolean;
  requireNonce?: boolean;
  /**
   * Checks a delegated responder's own certificate when it lacks id-pkix-ocsp-nocheck
   * (RFC 6960 4.2.2.2.1). Without it such an answer is `unknown` (OCSP_RESPONDER_STATUS_UNCHECKED).
   */
  responderStatusChecker?: RevocationChecker;
}

/** RevocationChecker over OCSP: responses in hand first, then the responder named in the certificate. */
export class OcspRevocationChecker implements RevocationChecker {
  constructor(private readonly opts: OcspCheckerOptions = {}) {}

  async check(query: RevocationQuery): Promise<RevocationStatus> {
    const problems: string[] = [];
    const now = (this.opts.clock ?? (() => new Date()))();
    const common = {
      certificate: query.certificate,
      issuer: query.issuer,
      time: query.time,
      now,
      clockSkewMs: this.opts.clockSkewMs,
    };
    for (const der of this.opts.responses ?? []) {
      const r = await this.accept(verifyOcspResponse(der, common), query);
      if (r.status !== 'unknown') return r;
      problems.push(...r.problems);
    }
    if (this.opts.fetcher) {
      const urls = ocspUrls(query.certificate).slice(0, MAX_OCSP_URLS);
      if (urls.length === 0) problems.push('OCSP_NO_RESPONDER_URL');
      for (const url of urls) {
        const request = buildOcspRequest({
          certificate: query.certificate,
          issuer: query.issuer,
          nonce: this.opts.nonce ?? true,
        });
        let der: Uint8Array;
        try {
          der = await this.opts.fetcher.fetchOcsp(url, request.der);
        } catch (e) {
          problems.push('OCSP_FETCH_FAILED');
          const cause = fetchFailureProblem(e);
          if (cause) problems.push(cause);
          continue;
        }
        const r = await this.accept(
          verifyOcspResponse(der, { ...common, nonce: request.nonce, requireNonce: this.opts.requireNonce }),
          query,
        );
        if (r.status !== 'unknown') return r;
        problems.push(...r.problems);
      }
    } else if ((this.opts.responses ?? []).length === 0) problems.push('OCSP_NO_RESPONSE');
    return unknownStatus(...new Set(problems));
  }

  /** A delegated responder without nocheck is trusted only once its own status is good. */
  private async accept(r: ReturnType<typeof verifyOcspResponse>, query: RevocationQuery): Promise<RevocationStatus> {
    const { responderCertificate, delegated, responderNeedsRevocationCheck, ...status } = r;
    if (status.status === 'unknown' || !responderNeedsRevocationCheck || !responderCertificate || !delegated)
      return status;
    const checker = this.opts.responderStatusChecker;
    if (!checker) return unknownStatus('OCSP_RESPONDER_STATUS_UNCHECKED');
    const own = await checker.check({
      certificate: responderCertificate,
      issuer: query.issuer,
      time: status.producedAt ?? query.time,
      path: [responderCertificate, ...query.path.slice(1)],
    });
    return own.status === 'good'
      ? status
      : unknownStatus(
          own.status === 'revoked' ? 'OCSP_RESPONDER_REVOKED' : 'OCSP_RESPONDER_STATUS_UNKNOWN',
          ...own.problems,
        );
  }
}

/**
 * Asks several checkers in order (OCSP first, then CRL, as the caller lists them): the first
 * definitive answer (good or revoked) wins; unknown only when all say unknown, with every
 * problem. Closed by default: unknown is never good. A checker that throws counts as unknown.
 */
export class CombinedRevocationChecker implements RevocationChecker {
  constructor(private readonly checkers: readonly RevocationChecker[]) {}

  async check(query: RevocationQuery): Promise<RevocationStatus> {
    const problems: string[] = [];
    for (const checker of this.checkers) {
      let r: RevocationStatus;
      try {
        r = await checker.check(query);
      } catch (e) {
        problems.push(e instanceof PkiFormatError ? e.code : 'REVOCATION_CHECKER_FAILED');
        continue;
      }
      if (r.status === 'good' || r.status === 'revoked') return r;
      problems.push(...r.problems);
    }
    if (this.checkers.length === 0) problems.push('NO_REVOCATION_SOURCE');
    return unknownStatus(...new Set(problems));
  }
}
