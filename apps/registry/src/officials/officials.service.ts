import { Injectable } from '@nestjs/common';
import { notFound, unprocessable } from '@kyso/common';
import { OrganizationsService } from '../organizations/organizations.service';
import type { Page } from '../shared/list-query.dto';
import { isForeignKeyViolation } from '../shared/pg-errors';
import { NewOfficial, normaliseRoles, Official } from './official';
import { OfficialsRepository } from './officials.repository';

@Injectable()
export class OfficialsService {
  constructor(
    private readonly officials: OfficialsRepository,
    private readonly organizations: OrganizationsService,
  ) {}

  async create(input: NewOfficial): Promise<Official> {
    await this.organizations.requireReferenced(input.organizationId);
    try {
      return await this.officials.insert({ ...input, roles: normaliseRoles(input.roles) });
    } catch (e) {
      if (isForeignKeyViolation(e)) throw unprocessable('ORGANIZATION_NOT_FOUND', 'organizationId names no organisation');
      throw e;
    }
  }

  async get(id: string): Promise<Official> {
    const official = await this.officials.findById(id);
    if (!official) throw notFound('OFFICIAL_NOT_FOUND', `No official ${id}`);
    return official;
  }

  /** Undefined when absent: for decisions that treat "unknown" as an outcome, not an error. */
  find(id: string): Promise<Official | undefined> {
    return this.officials.findById(id);
  }

  list(q: Page & { organizationId?: string }): Promise<Official[]> {
    return this.officials.list(q);
  }

  async requireReferenced(id: string, field = 'holderOfficialId'): Promise<Official> {
    const official = await this.officials.findById(id);
    if (!official) throw unprocessable('OFFICIAL_NOT_FOUND', `${field} ${id} names no official`);
    return official;
  }
}
