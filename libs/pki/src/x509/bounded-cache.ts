/**
 * A small least-recently-used map with a hard size bound (style rule 7: budgets are named).
 * Used for results that are pure functions of their key's bytes (parsed keys, signature
 * verdicts), so an entry can never be stale, only evicted; an owner whose entries can go stale
 * (a remembered verdict) removes them with `delete`. `maxEntries` 0 disables the cache.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  hits = 0;
  misses = 0;

  constructor(private max: number) {}

  get maxEntries(): number {
    return this.max;
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // re-insert: Map iteration order is insertion order, so the oldest entry comes first
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    if (this.max <= 0) return;
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  /** Forgets `key`; true when it was there. */
  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** The cached value, or `compute()` stored and returned. */
  getOrCompute(key: K, compute: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const v = compute();
    this.set(key, v);
    return v;
  }

  /** Changes the bound (0 disables and empties the cache). */
  resize(maxEntries: number): void {
    this.max = Math.max(0, Math.floor(maxEntries));
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  clear(): void {
    this.map.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
