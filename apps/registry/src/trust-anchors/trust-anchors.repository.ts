import { Injectable } from '@nestjs/common';
import { FindOptionsWhere, In, IsNull, Repository } from 'typeorm';
import { NewTrustAnchor, TrustAnchor, TrustAnchorPurpose } from './trust-anchor';
import { TrustAnchorEntity } from './trust-anchor.entity';
import { Db } from '../shared/transactions';

export interface TrustAnchorFilter {
  includeDisabled?: boolean;
  /** Anchors for this purpose, including those trusted for any purpose. */
  purpose?: TrustAnchorPurpose;
}

/** Persistence port for trust anchors. The list is small (a handful of roots): no paging. */
export abstract class TrustAnchorsRepository {
  abstract insert(anchor: NewTrustAnchor): Promise<TrustAnchor>;
  abstract findById(id: string): Promise<TrustAnchor | undefined>;
  abstract list(filter?: TrustAnchorFilter): Promise<TrustAnchor[]>;
  abstract setDisabledAt(id: string, at: Date | null): Promise<TrustAnchor>;
  abstract delete(id: string): Promise<void>;
  /** Moves the trust-store version on (in the caller's transaction, which it locks against other changes). */
  abstract bumpVersion(at: Date): Promise<TrustStoreVersion>;
  /** The current version; `lock`: wait for a change in progress to commit and hold it off until ours ends. */
  abstract version(lock?: boolean): Promise<TrustStoreVersion>;
}

export interface TrustStoreVersion {
  version: number;
  changedAt: Date;
}

export const TRUST_ANCHOR_SHA256_KEY = 'trust_anchor_sha256_key';

@Injectable()
export class TypeOrmTrustAnchorsRepository extends TrustAnchorsRepository {
  constructor(private readonly db: Db) {
    super();
  }

  /** The table, in the caller's transaction when there is one. */
  private get repo(): Repository<TrustAnchorEntity> {
    return this.db.repository(TrustAnchorEntity);
  }

  async insert(anchor: NewTrustAnchor): Promise<TrustAnchor> {
    return toTrustAnchor(
      await this.repo.save(this.repo.create({ ...anchor, certificateDer: Buffer.from(anchor.certificateDer) })),
    );
  }

  async findById(id: string): Promise<TrustAnchor | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toTrustAnchor(e) : undefined;
  }

  async list(f: TrustAnchorFilter = {}): Promise<TrustAnchor[]> {
    const where: FindOptionsWhere<TrustAnchorEntity> = {};
    if (!f.includeDisabled) where.disabledAt = IsNull();
    if (f.purpose) where.purpose = In([f.purpose, 'any']);
    return (await this.repo.find({ where, order: { createdAt: 'ASC', id: 'ASC' } })).map(toTrustAnchor);
  }

  async setDisabledAt(id: string, at: Date | null): Promise<TrustAnchor> {
    await this.repo.update({ id }, { disabledAt: at });
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async bumpVersion(at: Date): Promise<TrustStoreVersion> {
    const rows = await this.db.query<VersionRow[]>(
      `UPDATE registry.trust_store_version SET version = version + 1, changed_at = $1 WHERE id = 1
       RETURNING version, changed_at`,
      [at],
    );
    return toVersion(rows[0]);
  }

  async version(lock = false): Promise<TrustStoreVersion> {
    const rows = await this.db.query<VersionRow[]>(
      `SELECT version, changed_at FROM registry.trust_store_version WHERE id = 1${lock ? ' FOR SHARE' : ''}`,
    );
    return toVersion(rows[0]);
  }
}

type VersionRow = { version: string; changed_at: Date };

const toVersion = (r: VersionRow): TrustStoreVersion => ({ version: Number(r.version), changedAt: r.changed_at });

function toTrustAnchor(e: TrustAnchorEntity): TrustAnchor {
  return {
    id: e.id,
    name: e.name,
    sha256: e.sha256,
    subject: e.subject,
    certificateDer: new Uint8Array(e.certificateDer),
    purpose: e.purpose as TrustAnchor['purpose'],
    disabledAt: e.disabledAt,
    createdAt: e.createdAt,
  };
}
