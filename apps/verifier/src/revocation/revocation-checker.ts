import {
  Certificate,
  CombinedRevocationChecker,
  CrlRevocationChecker,
  OcspRevocationChecker,
  RevocationChecker,
  RevocationQuery,
  RevocationSource,
  RevocationStatus,
} from '@kyso/pki';
import { QueuedRevocationFetcher } from './queued-fetcher';

/**
 * Sets `fetchedAt` on a status from what the fetcher downloaded (or read from the cache) during
 * this check: the oldest such piece of evidence, so the report never looks fresher than it is.
 */
class FetchTimeStamp implements RevocationChecker {
  constructor(
    private readonly inner: RevocationChecker,
    private readonly fetcher: QueuedRevocationFetcher,
    private readonly kind: RevocationSource,
  ) {}

  async check(query: RevocationQuery): Promise<RevocationStatus> {
    const from = this.fetcher.fetches.length;
    const status = await this.inner.check(query);
    if (status.source === this.kind && !status.fetchedAt) {
      const times = this.fetcher.fetches
        .slice(from)
        .filter((f) => f.kind === this.kind)
        .map((f) => f.fetchedAt.getTime());
      if (times.length) status.fetchedAt = new Date(Math.min(...times));
    }
    return status;
  }
}

/**
 * A signed OCSP `unknown` (the CA's responder does not know the serial: RFC 6960 2.2, CA/B Forum
 * BR 4.9.10) is the last word: a CRL that merely does not list the serial must not make it good.
 */
class OcspUnknownIsFinal implements RevocationChecker {
  constructor(
    private readonly ocsp: RevocationChecker,
    private readonly rest: RevocationChecker,
  ) {}

  async check(query: RevocationQuery): Promise<RevocationStatus> {
    const first = await new CombinedRevocationChecker([this.ocsp]).check(query);
    if (first.status !== 'unknown' || first.problems.includes('OCSP_CERT_STATUS_UNKNOWN')) return first;
    return new CombinedRevocationChecker([{ check: async () => first }, this.rest]).check(query);
  }
}

/**
 * OCSP first (fresher, per certificate), then CRLs; unknown only when both are. No nonce: answers
 * are cached until their nextUpdate and shared, so freshness comes from nextUpdate (RFC 5019).
 */
export function verifierRevocationChecker(
  fetcher: QueuedRevocationFetcher,
  trustAnchors: readonly Certificate[],
  clock: () => Date,
): RevocationChecker {
  return new OcspUnknownIsFinal(
    new FetchTimeStamp(new OcspRevocationChecker({ fetcher, clock, nonce: false }), fetcher, 'ocsp'),
    new FetchTimeStamp(new CrlRevocationChecker({ fetcher, trustAnchors, clock }), fetcher, 'crl'),
  );
}
