import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import type { VisibleTo } from '../ownership/visibility';
import { findVisiblePage } from '../ownership/visibility';
import { CertificateRecord, CertificateStatus, NewCertificateRecord, SubjectType } from './certificate';
import { CertificateEntity } from './certificate.entity';

export interface CertificateFilter {
  holderOfficialId?: string;
  organizationId?: string;
  /** Only what this caller sees (none: everything). */
  visibleTo?: VisibleTo;
}

/** Persistence port for certificates. */
export abstract class CertificatesRepository {
  abstract insert(c: NewCertificateRecord, m?: EntityManager): Promise<CertificateRecord>;
  abstract findById(id: string, m?: EntityManager): Promise<CertificateRecord | undefined>;
  abstract lock(id: string, m: EntityManager): Promise<CertificateRecord | undefined>;
  abstract setStatus(
    id: string,
    s: { status: CertificateStatus; revocationReason: string | null; revokedAt: Date | null },
    m: EntityManager,
  ): Promise<CertificateRecord>;
  abstract list(q: Page & CertificateFilter): Promise<CertificateRecord[]>;
}

export const CERTIFICATE_SHA256_KEY = 'certificate_sha256_key';

@Injectable()
export class TypeOrmCertificatesRepository extends CertificatesRepository {
  constructor(@InjectRepository(CertificateEntity) private readonly repo: Repository<CertificateEntity>) {
    super();
  }

  private r(m?: EntityManager): Repository<CertificateEntity> {
    return m ? m.getRepository(CertificateEntity) : this.repo;
  }

  async insert(c: NewCertificateRecord, m?: EntityManager): Promise<CertificateRecord> {
    const entity = this.r(m).create({
      ...c,
      status: 'active',
      certificateDer: Buffer.from(c.certificateDer),
      chainDer: c.chainDer.map((d) => Buffer.from(d)),
    });
    return toRecord(await this.r(m).save(entity));
  }

  async findById(id: string, m?: EntityManager): Promise<CertificateRecord | undefined> {
    const e = await this.r(m).findOneBy({ id });
    return e ? toRecord(e) : undefined;
  }

  async lock(id: string, m: EntityManager): Promise<CertificateRecord | undefined> {
    const e = await m.getRepository(CertificateEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return e ? toRecord(e) : undefined;
  }

  async setStatus(
    id: string,
    s: { status: CertificateStatus; revocationReason: string | null; revokedAt: Date | null },
    m: EntityManager,
  ): Promise<CertificateRecord> {
    await m.getRepository(CertificateEntity).update({ id }, s);
    return (await this.findById(id, m))!;
  }

  async list(q: Page & CertificateFilter): Promise<CertificateRecord[]> {
    const where: FindOptionsWhere<CertificateEntity> = {};
    if (q.holderOfficialId) where.holderOfficialId = q.holderOfficialId;
    if (q.organizationId) where.organizationId = q.organizationId;
    return (await findVisiblePage(this.repo, where, q, 'organizationId', 'holderOfficialId')).map(toRecord);
  }
}

function toRecord(e: CertificateEntity): CertificateRecord {
  return {
    id: e.id,
    serialNumber: e.serialNumber,
    issuer: e.issuer,
    subject: e.subject,
    subjectType: e.subjectType as SubjectType,
    notBefore: e.notBefore,
    notAfter: e.notAfter,
    status: e.status as CertificateStatus,
    revocationReason: e.revocationReason,
    revokedAt: e.revokedAt,
    holderOfficialId: e.holderOfficialId,
    organizationId: e.organizationId,
    deviceId: e.deviceId,
    keyUri: e.keyUri,
    certificateDer: new Uint8Array(e.certificateDer),
    chainDer: (e.chainDer ?? []).map((d) => new Uint8Array(d)),
    sha256: e.sha256,
    publicKeySha256: e.publicKeySha256 ?? null,
    signingPinHash: e.signingPinHash,
    renewalOfId: e.renewalOfId ?? null,
    createdAt: e.createdAt,
  };
}
