import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NewTrustAnchor, TrustAnchor } from './trust-anchor';
import { TrustAnchorEntity } from './trust-anchor.entity';

/** Persistence port for trust anchors. The list is small (a handful of roots): no paging. */
export abstract class TrustAnchorsRepository {
  abstract insert(anchor: NewTrustAnchor): Promise<TrustAnchor>;
  abstract findById(id: string): Promise<TrustAnchor | undefined>;
  abstract list(): Promise<TrustAnchor[]>;
}

export const TRUST_ANCHOR_SHA256_KEY = 'trust_anchor_sha256_key';

@Injectable()
export class TypeOrmTrustAnchorsRepository extends TrustAnchorsRepository {
  constructor(@InjectRepository(TrustAnchorEntity) private readonly repo: Repository<TrustAnchorEntity>) {
    super();
  }

  async insert(anchor: NewTrustAnchor): Promise<TrustAnchor> {
    return toTrustAnchor(await this.repo.save(this.repo.create({ ...anchor, certificateDer: Buffer.from(anchor.certificateDer) })));
  }

  async findById(id: string): Promise<TrustAnchor | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toTrustAnchor(e) : undefined;
  }

  async list(): Promise<TrustAnchor[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } })).map(toTrustAnchor);
  }
}

function toTrustAnchor(e: TrustAnchorEntity): TrustAnchor {
  return { id: e.id, name: e.name, sha256: e.sha256, subject: e.subject, certificateDer: new Uint8Array(e.certificateDer), createdAt: e.createdAt };
}
