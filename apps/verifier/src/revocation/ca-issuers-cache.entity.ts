import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One AIA caIssuers download (a certificate or a certs-only PKCS#7, as served), keyed by its URL. */
@Entity({ name: 'ca_issuers_cache' })
export class CaIssuersCacheEntity {
  @PrimaryColumn({ type: 'text' })
  url: string;

  @Column({ type: 'bytea' })
  body: Buffer;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt: Date;
}
