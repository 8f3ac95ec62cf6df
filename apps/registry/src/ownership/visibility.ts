import { FindOptionsOrder, FindOptionsWhere, In, Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';

/**
 * The rows of a list a caller may see when it is not everything: those whose organisation is
 * managed by one of `organizationIds` (already expanded to every unit those agencies manage), and
 * for an `official` operator the records held by that official. Undefined means everything.
 */
export interface VisibleTo {
  organizationIds: string[];
  officialId: string | null;
}

/**
 * The TypeORM `where` (OR of the branches) restricting `where` to what `v` sees; an empty array
 * when nothing can match. A filter already on the same field must agree with the restriction.
 */
function restrictWhere<T>(
  where: FindOptionsWhere<T>,
  v: VisibleTo | undefined,
  orgField: keyof T,
  selfField?: keyof T,
): FindOptionsWhere<T>[] {
  if (!v) return [where];
  const w = where as Record<string, unknown>;
  const branches: FindOptionsWhere<T>[] = [];
  const wantedOrg = w[orgField as string];
  if (wantedOrg === undefined) {
    if (v.organizationIds.length) branches.push({ ...where, [orgField]: In(v.organizationIds) });
  } else if (typeof wantedOrg === 'string' && v.organizationIds.includes(wantedOrg)) {
    branches.push(where);
  }
  if (selfField && v.officialId) {
    const wantedSelf = w[selfField as string];
    if (wantedSelf === undefined || wantedSelf === v.officialId) branches.push({ ...where, [selfField]: v.officialId });
  }
  return branches;
}

/** One page of the rows `where` selects that `visibleTo` may see, oldest first. */
export async function findVisiblePage<T extends { createdAt: Date; id: string }>(
  repo: Repository<T>,
  where: FindOptionsWhere<T>,
  q: Page & { visibleTo?: VisibleTo },
  orgField: keyof T,
  selfField?: keyof T,
): Promise<T[]> {
  const wheres = restrictWhere(where, q.visibleTo, orgField, selfField);
  if (!wheres.length) return [];
  const order = { createdAt: 'ASC', id: 'ASC' } as FindOptionsOrder<T>;
  return repo.find({ where: wheres, order, take: q.limit, skip: q.offset });
}

/** Whether one row is visible (for lists built in memory). */
export function isVisible(
  v: VisibleTo | undefined,
  organizationId: string | null,
  holderOfficialId: string | null = null,
): boolean {
  if (!v) return true;
  return (
    (organizationId !== null && v.organizationIds.includes(organizationId)) ||
    (v.officialId !== null && holderOfficialId === v.officialId)
  );
}
