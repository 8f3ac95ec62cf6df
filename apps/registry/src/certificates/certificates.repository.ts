import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { CertificateRecord, CertificateStatus, NewCertificateRecord, SubjectType } from './certificate';
import { CertificateEntity } from './certificate.entity';

export interface CertificateFilter {
  holderOfficialId?: string;
  organizationId?: string;
}

/** Persistence port for certificates. */
export abstract class CertificatesRepository {
  abstract insert(c: NewCertificateRecord): Promise<CertificateRecord>;
  abstract findById(id: string): Promise<CertificateRecord | undefined>;
  abstract list(q: Page & CertificateFilter): Promise<CertificateRecord[]>;
}

export const CERTIFICATE_SHA256_KEY = 'certificate_sha256_key';

@Injectable()
export class TypeOrmCertificatesRepository extends CertificatesRepository {
  constructor(@InjectRepository(CertificateEntity) private readonly repo: Repository<CertificateEntity>) {
    super();
  }

  async insert(c: NewCertificateRecord): Promise<CertificateRecord> {
    const entity = this.repo.create({
      ...c,
      status: 'active',
      certificateDer: Buffer.from(c.certificateDer),
      chainDer: c.chainDer.map((d) => Buffer.from(d)),
    });
    return toRecord(await this.repo.save(entity));
  }

  async findById(id: string): Promise<CertificateRecord | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toRecord(e) : undefined;
  }

  async list(q: Page & CertificateFilter): Promise<CertificateRecord[]> {
    const where: FindOptionsWhere<CertificateEntity> = {};
    if (q.holderOfficialId) where.holderOfficialId = q.holderOfficialId;
    if (q.organizationId) where.organizationId = q.organizationId;
    return (await this.repo.find({ where, order: { createdAt: 'ASC', id: 'ASC' }, take: q.limit, skip: q.offset })).map(toRecord);
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
    signingPinHash: e.signingPinHash,
    createdAt: e.createdAt,
  };
}
