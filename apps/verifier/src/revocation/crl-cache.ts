import { DataSource, Repository } from 'typeorm';
import { CrlCacheEntity } from './crl-cache.entity';

/** A cached CRL as callers see it; the entity stays in this file. */
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

/** Persistence port for downloaded CRLs (an abstract class so it can be a DI token). */
export abstract class CrlCache {
  abstract get(url: string): Promise<CachedCrl | undefined>;
  /** Stores a download, replacing what the URL gave before. */
  abstract put(crl: CachedCrl): Promise<void>;
}

export class TypeOrmCrlCache extends CrlCache {
  private readonly repo: Repository<CrlCacheEntity>;

  constructor(dataSource: DataSource) {
    super();
    this.repo = dataSource.getRepository(CrlCacheEntity);
  }

  async get(url: string): Promise<CachedCrl | undefined> {
    const e = await this.repo.findOneBy({ url });
    return e
      ? {
          url: e.url,
          der: new Uint8Array(e.der),
          fetchedAt: e.fetchedAt,
          thisUpdate: e.thisUpdate,
          nextUpdate: e.nextUpdate,
        }
      : undefined;
  }

  async put(crl: CachedCrl): Promise<void> {
    // Last write wins: keeping "the newest thisUpdate" instead would let one forged far-future CRL stick for good.
    await this.repo.query(
      `INSERT INTO verifier.crl_cache (url, der, fetched_at, this_update, next_update) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (url) DO UPDATE SET der = EXCLUDED.der, fetched_at = EXCLUDED.fetched_at,
         this_update = EXCLUDED.this_update, next_update = EXCLUDED.next_update`,
      [
        crl.url,
        Buffer.from(crl.der.buffer, crl.der.byteOffset, crl.der.byteLength),
        crl.fetchedAt,
        crl.thisUpdate,
        crl.nextUpdate,
      ],
    );
  }
}
