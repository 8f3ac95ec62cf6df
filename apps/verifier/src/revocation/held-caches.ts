import type { Clock } from '@kyso/common';
import { CachedIssuers, CaIssuersCache } from './ca-issuers-cache.repository';
import type { CacheChanges } from './cache-changes';
import type { CachedCrl } from './crl-cache';
import { CrlCache } from './crl-cache.repository';
import type { CachedOcsp } from './ocsp-cache';
import { OcspCache } from './ocsp-cache.repository';

/** Rows held per table at most. */
const HELD_ROWS = 1_000;
/** A held row is read again after this long, heard changes or not (safety net). */
export const HELD_MAX_AGE_MS = 10_000;

/**
 * Rows of one cache table held in memory: served while no change of the table was heard since they
 * were read (RevocationCacheChanges), and for HELD_MAX_AGE_MS at most. The same object is served
 * each time, so what is parsed from it (CRLs: libs/pki keeps the parse per bytes object) is too.
 * Holding changes no freshness rule: the callers judge a held row by its fetchedAt and nextUpdate
 * as they judge one just read. Misses are not held (the caller asks the workers, who write, which
 * is heard).
 */
class HeldRows<V> {
  private readonly rows = new Map<string, { value: V; generation: number; at: number }>();

  constructor(
    private readonly table: string,
    private readonly changes: CacheChanges,
    private readonly clock: Clock,
    private readonly read: (key: string) => Promise<V | undefined>,
  ) {}

  async get(key: string): Promise<V | undefined> {
    const generation = this.changes.generation(this.table);
    if (generation === undefined) return this.read(key);
    const now = this.clock.now().getTime();
    const held = this.rows.get(key);
    if (held && held.generation === generation && now - held.at < HELD_MAX_AGE_MS) return held.value;
    const value = await this.read(key);
    // Held under the generation seen before the read: a change heard during the read (which may be
    // newer than what was read) already makes it unservable.
    if (value !== undefined) {
      this.rows.delete(key);
      this.rows.set(key, { value, generation, at: now });
      // Oldest read first out.
      if (this.rows.size > HELD_ROWS) this.rows.delete(this.rows.keys().next().value!);
    }
    return value;
  }
}

/** The CRL cache of the fast path: rows held in memory (HeldRows), writes to the shared table. */
export class HeldCrlCache extends CrlCache {
  private readonly held: HeldRows<CachedCrl>;

  constructor(
    private readonly inner: CrlCache,
    changes: CacheChanges,
    clock: Clock,
  ) {
    super();
    this.held = new HeldRows('crl_cache', changes, clock, (url) => inner.get(url));
  }

  get(url: string): Promise<CachedCrl | undefined> {
    return this.held.get(url);
  }

  put(crl: CachedCrl): Promise<void> {
    return this.inner.put(crl);
  }
}

/** The OCSP cache of the fast path, as HeldCrlCache. */
export class HeldOcspCache extends OcspCache {
  private readonly held: HeldRows<CachedOcsp>;

  constructor(
    private readonly inner: OcspCache,
    changes: CacheChanges,
    clock: Clock,
  ) {
    super();
    this.held = new HeldRows('ocsp_cache', changes, clock, (key) => inner.get(key));
  }

  get(key: string): Promise<CachedOcsp | undefined> {
    return this.held.get(key);
  }

  put(answer: CachedOcsp): Promise<void> {
    return this.inner.put(answer);
  }
}

/** The caIssuers cache of the fast path, as HeldCrlCache. */
export class HeldCaIssuersCache extends CaIssuersCache {
  private readonly held: HeldRows<CachedIssuers>;

  constructor(
    private readonly inner: CaIssuersCache,
    changes: CacheChanges,
    clock: Clock,
  ) {
    super();
    this.held = new HeldRows('ca_issuers_cache', changes, clock, (url) => inner.get(url));
  }

  get(url: string): Promise<CachedIssuers | undefined> {
    return this.held.get(url);
  }

  put(issuers: CachedIssuers): Promise<void> {
    return this.inner.put(issuers);
  }
}
