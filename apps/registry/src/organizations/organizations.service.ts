import { Injectable } from '@nestjs/common';
import { conflict, notFound, unprocessable } from '@kyso/common';
import type { Page } from '../shared/list-query.dto';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/pg-errors';
import { NewOrganization, Organization } from './organization';
import { ORGANIZATION_CODE_KEY, OrganizationsRepository } from './organizations.repository';

@Injectable()
export class OrganizationsService {
  constructor(private readonly organizations: OrganizationsRepository) {}

  async create(input: NewOrganization): Promise<Organization> {
    if (input.parentId) await this.requireReferenced(input.parentId, 'parentId');
    try {
      return await this.organizations.insert(input);
    } catch (e) {
      if (isUniqueViolation(e, ORGANIZATION_CODE_KEY)) throw conflict('ORGANIZATION_CODE_EXISTS', `An organisation with code ${input.code} already exists`);
      if (isForeignKeyViolation(e)) throw unprocessable('ORGANIZATION_NOT_FOUND', 'parentId names no organisation');
      throw e;
    }
  }

  async get(id: string): Promise<Organization> {
    const org = await this.organizations.findById(id);
    if (!org) throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${id}`);
    return org;
  }

  list(page: Page): Promise<Organization[]> {
    return this.organizations.list(page);
  }

  /** For other modules: an organisation named in a request body must exist (422, not 404: the URL is fine). */
  async requireReferenced(id: string, field = 'organizationId'): Promise<Organization> {
    const org = await this.organizations.findById(id);
    if (!org) throw unprocessable('ORGANIZATION_NOT_FOUND', `${field} ${id} names no organisation`);
    return org;
  }
}
