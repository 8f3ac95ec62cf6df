import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { NewOrganization, Organization } from './organization';
import { OrganizationEntity } from './organization.entity';

/** Persistence port for organisations: domain records in and out, never entities. */
export abstract class OrganizationsRepository {
  abstract insert(org: NewOrganization): Promise<Organization>;
  abstract findById(id: string): Promise<Organization | undefined>;
  abstract list(page: Page): Promise<Organization[]>;
}

export const ORGANIZATION_CODE_KEY = 'organization_code_key';

@Injectable()
export class TypeOrmOrganizationsRepository extends OrganizationsRepository {
  constructor(@InjectRepository(OrganizationEntity) private readonly repo: Repository<OrganizationEntity>) {
    super();
  }

  async insert(org: NewOrganization): Promise<Organization> {
    return toOrganization(await this.repo.save(this.repo.create(org)));
  }

  async findById(id: string): Promise<Organization | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toOrganization(e) : undefined;
  }

  async list(page: Page): Promise<Organization[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' }, take: page.limit, skip: page.offset })).map(toOrganization);
  }
}

function toOrganization(e: OrganizationEntity): Organization {
  return { id: e.id, code: e.code, name: e.name, parentId: e.parentId, address: e.address, legalEntity: e.legalEntity, createdAt: e.createdAt };
}
