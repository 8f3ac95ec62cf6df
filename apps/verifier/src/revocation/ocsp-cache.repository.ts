import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CachedOcsp } from './ocsp-cache';

/** Persistence port for OCSP answers (an abstract class so it can be a DI token). */
export abstract class OcspCache {
  abstract get(key: string): Promise<CachedOcsp | undefined>;
  /** Stores an answer, replacing what the same request got before. */
  abstract put(answer: CachedOcsp): Promise<void>;
}

interface Row {
  request_key: string;
  url: string;
  der: Buffer;
  fetched_at: Date;
  next_update: Date;
}

@Injectable()
export class PostgresOcspCache extends OcspCache {
  constructor(private readonly db: DataSource) {
    super();
  }

  async get(key: string): Promise<CachedOcsp | undefined> {
    const rows: Row[] = await this.db.query(
      'SELECT request_key, url, der, fetched_at, next_update FROM verifier.ocsp_cache WHERE request_key = $1',
      [key],
    );
    const r = rows[0];
    return r
      ? {
          key: r.request_key,
          url: r.url,
          der: new Uint8Array(r.der),
          fetchedAt: r.fetched_at,
          nextUpdate: r.next_update,
        }
      : undefined;
  }

  async put(a: CachedOcsp): Promise<void> {
    // Last write wins, as for CRLs: a forged far-future answer never outlives the max age.
    await this.db.query(
      `INSERT INTO verifier.ocsp_cache (request_key, url, der, fetched_at, next_update) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (request_key) DO UPDATE SET url = EXCLUDED.url, der = EXCLUDED.der,
         fetched_at = EXCLUDED.fetched_at, next_update = EXCLUDED.next_update`,
      [a.key, a.url, Buffer.from(a.der.buffer, a.der.byteOffset, a.der.byteLength), a.fetchedAt, a.nextUpdate],
    );
  }
}
