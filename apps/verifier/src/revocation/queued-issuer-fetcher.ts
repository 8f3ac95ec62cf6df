import type { Clock } from '@kyso/common';
import type { IssuerFetcher } from '@kyso/pki';
import { CaIssuersCache, isFreshIssuers } from './ca-issuers-cache.repository';
import { RevocationJobs, RevocationUnavailableError } from './revocation-queue';

export interface QueuedIssuerFetcherOptions {
  cache: CaIssuersCache;
  jobs: RevocationJobs;
  maxAgeMs: number;
  /** How long one validation waits for one download. */
  waitMs: number;
  clock: Clock;
  /** Hears whether each lookup found a fresh copy (worker metrics). */
  onCacheLookup?: (hit: boolean) => void;
}

/**
 * The IssuerFetcher a validation uses for AIA caIssuers (a signer's missing intermediates): the
 * shared cache while fresh, otherwise a download by the revocation workers, through the same
 * address guard and one job per URL however many validations ask. A failure throws with its stable
 * code first (FETCH_ADDRESS_REFUSED, CA_ISSUERS_UNPARSABLE, REVOCATION_FETCH_TIMEOUT, ...):
 * findMissingIssuers keeps it as a problem and the path stays without a chain, never a failed job.
 */
export class QueuedIssuerFetcher implements IssuerFetcher {
  constructor(private readonly opts: QueuedIssuerFetcherOptions) {}

  async fetchCertificates(url: string): Promise<Uint8Array> {
    let cached = await this.opts.cache.get(url);
    const hit = !!cached && isFreshIssuers(cached, this.opts.clock.now(), this.opts.maxAgeMs);
    this.opts.onCacheLookup?.(hit);
    if (!cached || !hit) {
      try {
        await this.opts.jobs.fetchCertificates(url, this.opts.waitMs);
      } catch (e) {
        if (!(e instanceof RevocationUnavailableError)) throw e;
        throw new Error(`${e.problem}: ${e.message.slice(e.code.length + 2)}`);
      }
      cached = await this.opts.cache.get(url);
      if (!cached) throw new Error(`CA_ISSUERS_NOT_CACHED: ${url} was fetched but is not in the cache`);
    }
    return cached.body;
  }
}
