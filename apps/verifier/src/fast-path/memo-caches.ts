import type { Clock } from '@kyso/common';
import { CaIssuersCache, CachedIssuers, isFreshIssuers } from '../revocation/ca-issuers-cache.repository';
import { CachedCrl, isFresh } from '../revocation/crl-cache';
import { CrlCache } from '../revocation/crl-cache.repository';
import type { CachedOcsp } from '../revocation/ocsp-cache';
import { OcspCache } from '../revocation/ocsp-cache.repository';

/** Entries kept per memo: one per CRL URL, OCSP request or caIssuers URL the recent documents used. */
export const MEMO_MAX_ENTRIES = 2000;

/**
 * The fresh entries of a shared (Postgres) cache, held in the API process so a validation from the
 * caches costs no round trip. An entry is served from memory only while the same freshness rule
 * the workers apply says it is fresh; a stale or absent one is read again from the shared cache.
 */
class FreshMemo<T> {
  private readonly entries = new Map<string, T>();

  constructor(
    private readonly fresh: (entry: T, now: Date) => boolean,
    private readonly clock: Clock,
  ) {}

  async get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.clock.now();
    const held = this.entries.get(key);
    if (held && this.fresh(held, now)) return held;
    const loaded = await load();
    this.entries.delete(key);
    if (loaded && this.fresh(loaded, now)) {
      if (this.entries.size >= MEMO_MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, loaded);
    }
    return loaded;
  }
}

export class MemoCrlCache extends CrlCache {
  private readonly memo: FreshMemo<CachedCrl>;
  constructor(
    private readonly shared: CrlCache,
    maxAgeMs: number,
    clock: Clock,
  ) {
    super();
    this.memo = new FreshMemo((c, now) => isFresh(c, now, maxAgeMs), clock);
  }
  get(url: string): Promise<CachedCrl | undefined> {
    return this.memo.get(url, () => this.shared.get(url));
  }
  put(crl: CachedCrl): Promise<void> {
    return this.shared.put(crl);
  }
}

export class MemoOcspCache extends OcspCache {
  private readonly memo: FreshMemo<CachedOcsp>;
  constructor(
    private readonly shared: OcspCache,
    maxAgeMs: number,
    clock: Clock,
  ) {
    super();
    this.memo = new FreshMemo((c, now) => isFresh(c, now, maxAgeMs), clock);
  }
  get(key: string): Promise<CachedOcsp | undefined> {
    return this.memo.get(key, () => this.shared.get(key));
  }
  put(answer: CachedOcsp): Promise<void> {
    return this.shared.put(answer);
  }
}

export class MemoCaIssuersCache extends CaIssuersCache {
  private readonly memo: FreshMemo<CachedIssuers>;
  constructor(
    private readonly shared: CaIssuersCache,
    maxAgeMs: number,
    clock: Clock,
  ) {
    super();
    this.memo = new FreshMemo((c, now) => isFreshIssuers(c, now, maxAgeMs), clock);
  }
  get(url: string): Promise<CachedIssuers | undefined> {
    return this.memo.get(url, () => this.shared.get(url));
  }
  put(issuers: CachedIssuers): Promise<void> {
    return this.shared.put(issuers);
  }
}
