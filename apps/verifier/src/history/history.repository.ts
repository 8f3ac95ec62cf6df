import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { ValidationEntity } from '../validation.entity';
import type { HistoryScope } from './history-scope';

export interface HistoryFilter {
  from?: Date;
  to?: Date;
  result?: string;
  kind?: string;
  who?: string;
  organizationId?: string;
  /** Items after this validation (newest first). */
  afterId?: string;
  limit: number;
}

export interface HistoryRow {
  id: string;
  kind: string;
  status: string;
  result: string | null;
  fileName: string | null;
  sha256: string;
  checkedAt: Date;
  finishedAt: Date | null;
  checkedBy: { kind: string; id: string; name: string | null };
  organizationIds: string[];
}

/** Reads the validation history: never the documents or reports, only who checked what, when, with what result. */
export abstract class HistoryRepository {
  /** Up to `limit` rows, newest first; undefined when `afterId` names no validation. */
  abstract list(scope: HistoryScope, f: HistoryFilter): Promise<HistoryRow[] | undefined>;
}

@Injectable()
export class TypeOrmHistoryRepository extends HistoryRepository {
  constructor(@InjectRepository(ValidationEntity) private readonly repo: Repository<ValidationEntity>) {
    super();
  }

  async list(scope: HistoryScope, f: HistoryFilter): Promise<HistoryRow[] | undefined> {
    const q = this.repo
      .createQueryBuilder('v')
      .select([
        'v.id',
        'v.kind',
        'v.status',
        'v.result',
        'v.fileName',
        'v.documentSha256',
        'v.createdAt',
        'v.finishedAt',
        'v.callerKind',
        'v.callerId',
        'v.callerName',
        'v.organizationIds',
      ])
      // Rows from before owners were recorded belong to nobody (validation-owner.ts).
      .where('v.caller_id IS NOT NULL');
    if (!scope.all) {
      const { own, organizationIds } = scope;
      q.andWhere(
        new Brackets((w) => {
          w.where('(v.caller_kind = :ownKind AND v.caller_id = :ownId)', { ownKind: own.kind, ownId: own.id });
          if (organizationIds.length) w.orWhere('v.organization_ids && :orgs::uuid[]', { orgs: organizationIds });
        }),
      );
    }
    if (f.from) q.andWhere('v.created_at >= :from', { from: f.from });
    if (f.to) q.andWhere('v.created_at < :to', { to: f.to });
    if (f.result) q.andWhere('v.result = :result', { result: f.result });
    if (f.kind) q.andWhere('v.kind = :kind', { kind: f.kind });
    if (f.who) q.andWhere('v.caller_id = :who', { who: f.who });
    if (f.organizationId) q.andWhere(':org::uuid = ANY(v.organization_ids)', { org: f.organizationId });
    if (f.afterId) {
      const anchor = await this.repo.findOne({ where: { id: f.afterId }, select: { id: true } });
      if (!anchor) return undefined;
      // Keyset paging on the database's own timestamps (microseconds), so no row is skipped or repeated.
      q.andWhere('(v.created_at, v.id) < (SELECT a.created_at, a.id FROM verifier.validation a WHERE a.id = :after)', {
        after: f.afterId,
      });
    }
    const rows = await q.orderBy('v.created_at', 'DESC').addOrderBy('v.id', 'DESC').limit(f.limit).getMany();
    return rows.map((e) => ({
      id: e.id,
      kind: e.kind,
      status: e.status,
      result: e.result,
      fileName: e.fileName,
      sha256: e.documentSha256,
      checkedAt: e.createdAt,
      finishedAt: e.finishedAt,
      checkedBy: { kind: e.callerKind ?? 'service', id: e.callerId ?? '', name: e.callerName },
      organizationIds: e.organizationIds,
    }));
  }
}
