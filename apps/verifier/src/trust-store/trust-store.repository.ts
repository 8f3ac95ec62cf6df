import { DataSource } from 'typeorm';
import type { TrustAnchorPurpose } from '@kyso/contracts';

export interface StoredAnchor {
  id: string;
  name: string;
  sha256: string;
  purpose: TrustAnchorPurpose;
  certificateDer: Uint8Array;
}

/** The registry's enabled anchors of one version, as this verifier (any instance) last fetched them. */
export interface StoredTrustStore {
  version: number;
  changedAt: Date;
  /** When an instance last confirmed with the registry that this version is current. */
  fetchedAt: Date;
  anchors: StoredAnchor[];
}

/** Persistence port of the trust-store copy, shared by every API and worker instance. */
export abstract class TrustStoreRepository {
  abstract load(): Promise<StoredTrustStore | undefined>;
  /** Replaces the whole copy with another version, in one transaction. */
  abstract replace(store: StoredTrustStore): Promise<void>;
  /** Records that the registry still answers `version` (when the copy is of that version). */
  abstract confirm(version: number, at: Date): Promise<void>;
}

type StoreRow = { version: string; changed_at: Date; fetched_at: Date };
type AnchorRow = { id: string; name: string; sha256: string; purpose: TrustAnchorPurpose; certificate_der: Buffer };

export class PostgresTrustStoreRepository extends TrustStoreRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  async load(): Promise<StoredTrustStore | undefined> {
    // One transaction at REPEATABLE READ: the row and the anchors of the same replace().
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const [row] = (await m.query(
        'SELECT version, changed_at, fetched_at FROM verifier.trust_store WHERE id = 1',
      )) as StoreRow[];
      if (!row) return undefined;
      const anchors = (await m.query(
        'SELECT id, name, sha256, purpose, certificate_der FROM verifier.trust_store_anchor ORDER BY name, id',
      )) as AnchorRow[];
      return {
        version: Number(row.version),
        changedAt: row.changed_at,
        fetchedAt: row.fetched_at,
        anchors: anchors.map((a) => ({ ...a, certificateDer: new Uint8Array(a.certificate_der) })),
      };
    });
  }

  async replace(s: StoredTrustStore): Promise<void> {
    await this.db.transaction(async (m) => {
      // The row lock orders instances replacing at the same time: the last one wins, whole.
      await m.query(
        `INSERT INTO verifier.trust_store (id, version, changed_at, fetched_at) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, changed_at = EXCLUDED.changed_at,
           fetched_at = EXCLUDED.fetched_at`,
        [s.version, s.changedAt, s.fetchedAt],
      );
      await m.query('DELETE FROM verifier.trust_store_anchor');
      for (const a of s.anchors)
        await m.query(
          `INSERT INTO verifier.trust_store_anchor (id, name, sha256, purpose, certificate_der, version)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [a.id, a.name, a.sha256, a.purpose, Buffer.from(a.certificateDer), s.version],
        );
    });
  }

  async confirm(version: number, at: Date): Promise<void> {
    await this.db.query(
      'UPDATE verifier.trust_store SET fetched_at = GREATEST(fetched_at, $2) WHERE id = 1 AND version = $1',
      [version, at],
    );
  }
}
