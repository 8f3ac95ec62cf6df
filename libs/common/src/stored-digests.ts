/**
 * Digests of items this process stored once by digest (evidence DERs: the signer's and the
 * verifier's), so each is sent only the first time: bounded, past `limit` the memory starts again
 * (an item sent twice is ignored by the database).
 */
export class StoredDigests {
  private readonly known = new Set<string>();

  constructor(private readonly limit = 10_000) {}

  has(digest: string): boolean {
    return this.known.has(digest);
  }

  /** Digests whose statement committed. */
  add(digests: readonly string[]): void {
    if (this.known.size + digests.length > this.limit) this.known.clear();
    for (const d of digests) this.known.add(d);
  }

  /** Forgets them all (the items may be gone). */
  clear(): void {
    this.known.clear();
  }
}
