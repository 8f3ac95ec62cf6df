import type { Clock } from '@kyso/common';
import type { RevocationFetcher, RevocationSource } from '@kyso/pki';
import { isFresh } from './crl-cache';
import { CrlCache } from './crl-cache.repository';
import { ocspCacheKey } from './ocsp-cache';
import { OcspCache } from './ocsp-cache.repository';
import { RevocationJobs } from './revocation-queue';

export interface FetchRecord {
  kind: RevocationSource;
  url: string;
  fetchedAt: Date;
  /** The CRL or OCSP response as fetched: kept as validation evidence. */
  der: Uint8Array;
}

export interface QueuedFetcherOptions {
  cache: CrlCache;
  jobs: RevocationJobs;
  crlMaxAgeMs: number;
  ocspCache: OcspCache;
  ocspMaxAgeMs: number;
  /** How long one validation waits for one download. */
  waitMs: number;
  clock: Clock;
  /** Hears whether each CRL lookup found a fresh copy (worker metrics). */
  onCacheLookup?: (hit: boolean) => void;
}

/**
 * The RevocationFetcher a validation uses: CRLs from the shared cache while fresh, otherwise a
 * download by the revocation workers (shared by every validation asking for that URL at the same
 * time); OCSP answers likewise, from their own cache until nextUpdate. When a download fails (the
 * CA or the queue is away), a cached copy still before its nextUpdate is used instead; otherwise
 * any failure or timeout throws, which the checkers turn into `unknown` (never good): the signature
 * is INDETERMINATE/TRY_LATER. Make one per validation: it records what it fetched, and when.
 */
export class QueuedRevocationFetcher implements RevocationFetcher {
  readonly fetches: FetchRecord[] = [];

  constructor(private readonly opts: QueuedFetcherOptions) {}

  async fetchCrl(url: string): Promise<Uint8Array> {
    const now = this.opts.clock.now();
    let crl = await this.opts.cache.get(url);
    const hit = !!crl && isFresh(crl, now, this.opts.crlMaxAgeMs);
    this.opts.onCacheLookup?.(hit);
    if (!crl || !hit) {
      const stale = crl;
      try {
        await this.opts.jobs.fetchCrl(url, this.opts.waitMs);
        crl = await this.opts.cache.get(url);
        if (!crl) throw new Error(`CRL_NOT_CACHED: ${url} was fetched but is not in the cache`);
      } catch (e) {
        // The CA (or our queue) is away: a copy past our max age is still the CA's word until its nextUpdate.
        if (!stale || !withinCaPromise(stale.nextUpdate, now)) throw e;
        crl = stale;
      }
    }
    this.fetches.push({ kind: 'crl', url, fetchedAt: crl.fetchedAt, der: crl.der });
    return crl.der;
  }

  async fetchOcsp(url: string, request: Uint8Array): Promise<Uint8Array> {
    const cached = await this.opts.ocspCache.get(ocspCacheKey(url, request));
    const now = this.opts.clock.now();
    const fromCache = () => {
      this.fetches.push({ kind: 'ocsp', url, fetchedAt: cached!.fetchedAt, der: cached!.der });
      return cached!.der;
    };
    if (cached && isFresh(cached, now, this.opts.ocspMaxAgeMs)) return fromCache();
    let r;
    try {
      r = await this.opts.jobs.fetchOcsp(url, request, this.opts.waitMs);
    } catch (e) {
      if (cached && withinCaPromise(cached.nextUpdate, now)) return fromCache(); // as for CRLs above
      throw e;
    }
    const der = new Uint8Array(Buffer.from(r.response, 'base64'));
    this.fetches.push({ kind: 'ocsp', url, fetchedAt: new Date(r.fetchedAt), der });
    return der;
  }
}

/**
 * Whether a cached answer may stand in for a download that failed: only while the CA itself says
 * it is current (before its nextUpdate). Our own max age is for picking up early publications
 * when the CA is there; when it is not, the CA's promise is the best that is known.
 */
function withinCaPromise(nextUpdate: Date | null, now: Date): boolean {
  return !!nextUpdate && now.getTime() < nextUpdate.getTime();
}
