import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CaIssuersCacheEntity } from './ca-issuers-cache.entity';

/** A cached caIssuers download as callers see it; the entity stays in this file's repository. */
export interface CachedIssuers {
  url: string;
  /** As served, already checked to parse as a certificate or a certs-only PKCS#7. */
  body: Uint8Array;
  fetchedAt: Date;
}

/**
 * Freshness of an issuer download: CA certificates change rarely and carry no nextUpdate, so our
 * copy is used for `maxAgeMs` only (a renewed CA certificate is picked up after that).
 */
export function isFreshIssuers(c: Pick<CachedIssuers, 'fetchedAt'>, now: Date, maxAgeMs: number): boolean {
  return now.getTime() - c.fetchedAt.getTime() < maxAgeMs;
}

/** Persistence port for AIA caIssuers downloads, shared by every worker instance. */
export abstract class CaIssuersCache {
  abstract get(url: string): Promise<CachedIssuers | undefined>;
  /** Stores a download, replacing what the URL gave before. */
  abstract put(issuers: CachedIssuers): Promise<void>;
}

@Injectable()
export class TypeOrmCaIssuersCache extends CaIssuersCache {
  constructor(@InjectRepository(CaIssuersCacheEntity) private readonly repo: Repository<CaIssuersCacheEntity>) {
    super();
  }

  /** A plain parameterised SELECT, as CrlCache's. */
  async get(url: string): Promise<CachedIssuers | undefined> {
    const [e] = (await this.repo.query('SELECT body, fetched_at FROM verifier.ca_issuers_cache WHERE url = $1', [
      url,
    ])) as { body: Buffer; fetched_at: Date }[];
    return e ? { url, body: new Uint8Array(e.body), fetchedAt: e.fetched_at } : undefined;
  }

  async put(c: CachedIssuers): Promise<void> {
    await this.repo.query(
      `INSERT INTO verifier.ca_issuers_cache (url, body, fetched_at) VALUES ($1, $2, $3)
       ON CONFLICT (url) DO UPDATE SET body = EXCLUDED.body, fetched_at = EXCLUDED.fetched_at`,
      [c.url, Buffer.from(c.body.buffer, c.body.byteOffset, c.body.byteLength), c.fetchedAt],
    );
  }
}
