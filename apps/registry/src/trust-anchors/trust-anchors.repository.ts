import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, In, IsNull, Repository } from 'typeorm';
import { NewTrustAnchor, TrustAnchor, TrustAnchorPurpose } from './trust-anchor';
import { TrustAnchorEntity } from './trust-anchor.entity';

export interface TrustAnchorFilter {
  includeDisabled?: boolean;
  /** Anchors for this purpose, including those trusted for any purpose. */
  purpose?: TrustAnchorPurpose;
}

/** Persistence port for trust anchors. The list is small (a handful of roots): no paging. */
export abstract class TrustAnchorsRepository {
  abstract insert(anchor: NewTrustAnchor, m?: EntityManager): Promise<TrustAnchor>;
  abstract findById(id: string, m?: EntityManager): Promise<TrustAnchor | undefined>;
  abstract list(filter?: TrustAnchorFilter): Promise<TrustAnchor[]>;
  abstract setDisabledAt(id: string, at: Date | null, m: EntityManager): Promise<TrustAnchor>;
  abstract delete(id: string, m: EntityManager): Promise<void>;
}

export const TRUST_ANCHOR_SHA256_KEY = 'trust_anchor_sha256_key';

@Injectable()
export class TypeOrmTrustAnchorsRepository extends TrustAnchorsRepository {
  constructor(@InjectRepository(TrustAnchorEntity) private readonly repo: Repository<TrustAnchorEntity>) {
    super();
  }

  private r(m?: EntityManager): Repository<TrustAnchorEntity> {
    return m ? m.getRepository(TrustAnchorEntity) : this.repo;
  }

  async insert(anchor: NewTrustAnchor, m?: EntityManager): Promise<TrustAnchor> {
    return toTrustAnchor(
      await this.r(m).save(this.r(m).create({ ...anchor, certificateDer: Buffer.from(anchor.certificateDer) })),
    );
  }

  async findById(id: string, m?: EntityManager): Promise<TrustAnchor | undefined> {
    const e = await this.r(m).findOneBy({ id });
    return e ? toTrustAnchor(e) : undefined;
  }

  async list(f: TrustAnchorFilter = {}): Promise<TrustAnchor[]> {
    const where: FindOptionsWhere<TrustAnchorEntity> = {};
    if (!f.includeDisabled) where.disabledAt = IsNull();
    if (f.purpose) where.purpose = In([f.purpose, 'any']);
    return (await this.repo.find({ where, order: { createdAt: 'ASC', id: 'ASC' } })).map(toTrustAnchor);
  }

  async setDisabledAt(id: string, at: Date | null, m: EntityManager): Promise<TrustAnchor> {
    await m.getRepository(TrustAnchorEntity).update({ id }, { disabledAt: at });
    return (await this.findById(id, m))!;
  }

  async delete(id: string, m: EntityManager): Promise<void> {
    await m.getRepository(TrustAnchorEntity).delete({ id });
  }
}

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
