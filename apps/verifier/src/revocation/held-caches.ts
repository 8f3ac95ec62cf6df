import type { Clock } from '@kyso/common';
import type { CacheChanges } from '../table-changes';

/** Rows held per table at most. */
const HELD_ROWS = 1_000;
/** A held row is read again after this long, heard changes or not (safety net). */
export const HELD_MAX_AGE_MS = 10_000;

/** The shape the revocation cache ports share (CrlCache, OcspCache, CaIssuersCache stay the DI tokens). */
interface CachePort<V> {
  get(key: string): Promise<V | undefined>;
  put(value: V): Promise<void>;
}

/**
 * A revocation cache of the fast path (the CRL, OCSP or caIssuers one, named by its `table`): rows
 * held in memory, writes to the shared table. Rows are served while no change of the table was heard since they
 * were read (TableChanges), and for HELD_MAX_AGE_MS at most. The same object is served
 * each time, so what is parsed from it (CRLs: libs/pki keeps the parse per bytes object) is too.
 * Holding changes no freshness rule: the callers judge a held row by its fetchedAt and nextUpdate
 * as they judge one just read. Misses are not held (the caller asks the workers, who write, which
 * is heard).
 */
export class HeldCache<V> implements CachePort<V> {
  private readonly rows = new Map<string, { value: V; generation: number; at: number }>();

  constructor(
    private readonly table: string,
    private readonly inner: CachePort<V>,
    private readonly changes: CacheChanges,
    private readonly clock: Clock,
  ) {}

  async get(key: string): Promise<V | undefined> {
    const generation = this.changes.generation(this.table);
    if (generation === undefined) return this.inner.get(key);
    const now = this.clock.now().getTime();
    const held = this.rows.get(key);
    if (held && held.generation === generation && now - held.at < HELD_MAX_AGE_MS) return held.value;
    const value = await this.inner.get(key);
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

  put(value: V): Promise<void> {
    return this.inner.put(value);
  }
}
