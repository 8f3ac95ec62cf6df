import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One downloaded CRL, keyed by the URL it came from. */
@Entity({ name: 'crl_cache' })
export class CrlCacheEntity {
  @PrimaryColumn({ type: 'text' })
  url: string;

  @Column({ type: 'bytea' })
  der: Buffer;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt: Date;

  @Column({ name: 'this_update', type: 'timestamptz' })
  thisUpdate: Date;

  @Column({ name: 'next_update', type: 'timestamptz', nullable: true })
  nextUpdate: Date | null;
}
