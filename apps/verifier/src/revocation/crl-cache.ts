/** A cached CRL as callers see it; the entity stays in crl-cache.repository.ts. */
export interface CachedCrl {
  url: string;
  der: Uint8Array;
  fetchedAt: Date;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

/**
 * The freshness rule: a cached CRL is used while the issuer has not yet promised a newer one
 * (now < nextUpdate) and our copy is younger than `maxAgeMs` (CAs may publish before nextUpdate,
 * e.g. after a key compromise). A CRL without nextUpdate is kept for `maxAgeMs` only.
 */
export function isFresh(crl: Pick<CachedCrl, 'fetchedAt' | 'nextUpdate'>, now: Date, maxAgeMs: number): boolean {
  const t = now.getTime();
  if (crl.nextUpdate && t >= crl.nextUpdate.getTime()) return false;
  return t - crl.fetchedAt.getTime() < maxAgeMs;
}
