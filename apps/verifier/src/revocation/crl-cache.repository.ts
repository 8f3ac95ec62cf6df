import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CrlCacheEntity } from './crl-cache.entity';
import type { CachedCrl } from './crl-cache';

/** Persistence port for downloaded CRLs (an abstract class so it can be a DI token). */
export abstract class CrlCache {
  abstract get(url: string): Promise<CachedCrl | undefined>;
  /** Stores a download, replacing what the URL gave before. */
  abstract put(crl: CachedCrl): Promise<void>;
}

@Injectable()
export class TypeOrmCrlCache extends CrlCache {
  constructor(@InjectRepository(CrlCacheEntity) private readonly repo: Repository<CrlCacheEntity>) {
    super();
  }

  /** A plain parameterised SELECT: every validation asks, so TypeORM's query building is not paid each time. */
  async get(url: string): Promise<CachedCrl | undefined> {
    const [e] = (await this.repo.query(
      'SELECT der, fetched_at, this_update, next_update FROM verifier.crl_cache WHERE url = $1',
      [url],
    )) as { der: Buffer; fetched_at: Date; this_update: Date; next_update: Date | null }[];
    return e
      ? {
          url,
          der: new Uint8Array(e.der),
          fetchedAt: e.fetched_at,
          thisUpdate: e.this_update,
          nextUpdate: e.next_update,
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
