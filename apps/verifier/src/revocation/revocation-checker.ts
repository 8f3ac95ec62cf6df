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

/** OCSP first (fresher, per certificate), then CRLs; unknown only when both are. */
export function verifierRevocationChecker(
  fetcher: QueuedRevocationFetcher,
  trustAnchors: readonly Certificate[],
  clock: () => Date,
): RevocationChecker {
  return new CombinedRevocationChecker([
    new FetchTimeStamp(new OcspRevocationChecker({ fetcher, clock }), fetcher, 'ocsp'),
    new FetchTimeStamp(new CrlRevocationChecker({ fetcher, trustAnchors }), fetcher, 'crl'),
  ]);
}
