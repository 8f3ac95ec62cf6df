import { Injectable } from '@nestjs/common';
import { notFound } from '@kyso/common';
import type { Caller } from '@kyso/common';
import { Ownership, OwnershipKind } from './ownership';
import { OwnershipRepository } from './ownership.repository';
import type { VisibleTo } from './visibility';

@Injectable()
export class OwnershipService {
  constructor(private readonly repo: OwnershipRepository) {}

  /**
   * The directly managing agency of an organisation (Decree 68): itself when it is a legal entity,
   * else its nearest legal-entity ancestor; an organisation with none is its own manager.
   */
  async managingOrganizationOf(organizationId: string): Promise<string> {
    return (await this.repo.managingOrganizationOf(organizationId)) ?? organizationId;
  }

  /**
   * What a caller's lists show (shared design): everything for an admin or a Kyso service; else
   * the resources managed by the organisations of its staff roles (a system: those it serves), and
   * for an `official` operator their own records. Undefined: everything.
   */
  async visibleTo(caller: Caller): Promise<VisibleTo | undefined> {
    if (caller.kind === 'service') return undefined;
    if (caller.kind === 'operator' && caller.roles.some((g) => g.role === 'admin' && g.organizationId === null))
      return undefined;
    const managing =
      caller.kind === 'system'
        ? caller.organizationIds
        : caller.roles
            .filter((g) => g.role !== 'official' && g.organizationId !== null)
            .map((g) => g.organizationId as string);
    const officialId =
      caller.kind === 'operator' && caller.roles.some((g) => g.role === 'official') ? caller.officialId : null;
    return { organizationIds: await this.managedOrganizationIds(managing), officialId };
  }

  /** The organisations (ids) managed by `managingIds`: see OwnershipRepository's MANAGED_SQL. */
  async managedOrganizationIds(managingIds: string[]): Promise<string[]> {
    const valid = [...new Set(managingIds.map((x) => x.toLowerCase()))].filter((x) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(x),
    );
    if (!valid.length) return [];
    return this.repo.managedOrganizationIds(valid);
  }

  /** The organisation an official belongs to (for an official's own view of the organisations list). */
  organizationOfOfficial(officialId: string): Promise<string | undefined> {
    return this.repo.organizationOfOfficial(officialId);
  }

  async find(kind: OwnershipKind, id: string): Promise<Ownership | undefined> {
    const row = await this.repo.owner(kind, id);
    if (!row) return undefined;
    const managingOrganizationId = row.managing ?? (await this.managingOrganizationOf(row.organizationId));
    return {
      kind,
      id,
      organizationId: row.organizationId,
      managingOrganizationId,
      holderOfficialId: row.holderOfficialId,
    };
  }

  async get(kind: OwnershipKind, id: string): Promise<Ownership> {
    const o = await this.find(kind, id);
    if (!o) throw notFound(`${kind.toUpperCase()}_NOT_FOUND`, `No ${kind} ${id}`);
    return o;
  }
}
