import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { EmploymentStatus, NewOfficial, Official, OfficialRole } from './official';
import { OfficialEntity } from './official.entity';

/** Persistence port for officials. */
export abstract class OfficialsRepository {
  abstract insert(official: NewOfficial): Promise<Official>;
  abstract findById(id: string): Promise<Official | undefined>;
  abstract list(page: Page & { organizationId?: string }): Promise<Official[]>;
}

@Injectable()
export class TypeOrmOfficialsRepository extends OfficialsRepository {
  constructor(@InjectRepository(OfficialEntity) private readonly repo: Repository<OfficialEntity>) {
    super();
  }

  async insert(official: NewOfficial): Promise<Official> {
    return toOfficial(await this.repo.save(this.repo.create({ ...official, employmentStatus: 'active' })));
  }

  async findById(id: string): Promise<Official | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toOfficial(e) : undefined;
  }

  async list(q: Page & { organizationId?: string }): Promise<Official[]> {
    const where = q.organizationId ? { organizationId: q.organizationId } : {};
    return (await this.repo.find({ where, order: { createdAt: 'ASC', id: 'ASC' }, take: q.limit, skip: q.offset })).map(toOfficial);
  }
}

function toOfficial(e: OfficialEntity): Official {
  return {
    id: e.id,
    fullName: e.fullName,
    email: e.email,
    title: e.title,
    organizationId: e.organizationId,
    employmentStatus: e.employmentStatus as EmploymentStatus,
    roles: e.roles as OfficialRole[],
    createdAt: e.createdAt,
  };
}
