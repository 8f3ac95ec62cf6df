import { Injectable } from '@nestjs/common';
import { In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuditActor } from '../audit/audit-log';
import { RequestLetterEntity } from '../letters/letter.entity';
import type { VisibleTo } from '../ownership/visibility';
import { Db } from '../shared/transactions';
import type {
  LifecycleRequest,
  RequestOrigin,
  RequestStatus,
  RequestStep,
  RequestStepRecord,
  RequestType,
} from './request';
import { LifecycleRequestEntity, LifecycleRequestStepEntity } from './request.entity';

export type NewLifecycleRequest = Omit<LifecycleRequest, 'id' | 'createdAt' | 'updatedAt'>;
export type RequestPatch = Partial<Pick<LifecycleRequest, 'status' | 'suspendedCertificate' | 'dueAt' | 'result'>>;

export interface RequestListQuery {
  status?: RequestStatus;
  type?: RequestType;
  organizationId?: string;
  overdue?: boolean;
  origin?: RequestOrigin;
  limit: number;
  offset: number;
  /** Only what this caller sees (none: everything). */
  visibleTo?: VisibleTo;
  now: Date;
}

export interface NewRequestStep {
  requestId: string;
  step: RequestStep | 'create';
  fromStatus: RequestStatus | null;
  toStatus: RequestStatus;
  actor: AuditActor;
  note: string | null;
  at: Date;
}

const toRequest = (e: LifecycleRequestEntity): LifecycleRequest => ({
  id: e.id,
  type: e.type as RequestType,
  status: e.status as RequestStatus,
  certificateId: e.certificateId,
  officialId: e.officialId,
  deviceId: e.deviceId,
  organizationId: e.organizationId,
  managingOrganizationId: e.managingOrganizationId,
  reason: e.reason,
  crlReason: e.crlReason,
  details: e.details ?? {},
  origin: e.origin as RequestOrigin,
  changeEventId: e.changeEventId,
  dueAt: e.dueAt,
  result: e.result,
  suspendedCertificate: e.suspendedCertificate,
  createdBy: e.createdBy,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

const toStep = (s: LifecycleRequestStepEntity): RequestStepRecord => ({
  step: s.step as RequestStepRecord['step'],
  fromStatus: s.fromStatus as RequestStatus | null,
  toStatus: s.toStatus as RequestStatus,
  actor: s.actor,
  note: s.note,
  at: s.at,
});

/** Lifecycle requests, their steps and the subject facts a request is resolved from. */
@Injectable()
export class RequestsRepository {
  constructor(private readonly db: Db) {}

  private get requests(): Repository<LifecycleRequestEntity> {
    return this.db.repository(LifecycleRequestEntity);
  }

  async insert(r: NewLifecycleRequest): Promise<LifecycleRequest> {
    return toRequest(await this.requests.save(this.requests.create(r)));
  }

  async findById(id: string): Promise<LifecycleRequest | undefined> {
    const e = await this.requests.findOneBy({ id });
    return e ? toRequest(e) : undefined;
  }

  /** Reads and row-locks (FOR UPDATE) for a step in this transaction. */
  async lock(id: string): Promise<LifecycleRequest | undefined> {
    const e = await this.requests.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return e ? toRequest(e) : undefined;
  }

  async update(id: string, patch: RequestPatch): Promise<LifecycleRequest> {
    await this.requests.update({ id }, patch as QueryDeepPartialEntity<LifecycleRequestEntity>);
    return toRequest((await this.requests.findOneBy({ id }))!);
  }

  async list(f: RequestListQuery): Promise<LifecycleRequest[]> {
    const qb = this.requests.createQueryBuilder('r');
    if (f.visibleTo) {
      // An official sees the requests about them (their own certificates and devices) besides what their other roles manage.
      qb.andWhere(
        `(r.managing_organization_id = ANY (CAST(:orgs AS uuid[])) OR (CAST(:me AS uuid) IS NOT NULL AND (r.official_id = :me OR r.certificate_id IN (SELECT id FROM registry.certificate WHERE holder_official_id = :me))))`,
        { orgs: f.visibleTo.organizationIds, me: f.visibleTo.officialId },
      );
    }
    if (f.status) qb.andWhere('r.status = :status', { status: f.status });
    if (f.type) qb.andWhere('r.type = :type', { type: f.type });
    if (f.origin) qb.andWhere('r.origin = :origin', { origin: f.origin });
    if (f.organizationId)
      qb.andWhere('(r.organization_id = :org OR r.managing_organization_id = :org)', { org: f.organizationId });
    if (f.overdue !== undefined)
      qb.andWhere(`(r.status = 'sent' AND r.due_at < :now) = :overdue`, { now: f.now, overdue: f.overdue });
    const rows = await qb
      .orderBy('r.created_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .take(f.limit)
      .skip(f.offset)
      .getMany();
    return rows.map(toRequest);
  }

  async insertStep(s: NewRequestStep): Promise<void> {
    const repo = this.db.repository(LifecycleRequestStepEntity);
    await repo.insert(repo.create(s));
  }

  /** The steps of each request, oldest first, and which requests have a signed letter. */
  async stepsAndLetters(ids: string[]): Promise<{ steps: Map<string, RequestStepRecord[]>; withLetter: Set<string> }> {
    const steps = await this.db
      .repository(LifecycleRequestStepEntity)
      .find({ where: { requestId: In(ids) }, order: { id: 'ASC' } });
    const letters = await this.db
      .repository(RequestLetterEntity)
      .find({ where: { requestId: In(ids) }, select: { requestId: true } });
    const byRequest = new Map<string, RequestStepRecord[]>();
    for (const s of steps) byRequest.set(s.requestId, [...(byRequest.get(s.requestId) ?? []), toStep(s)]);
    return { steps: byRequest, withLetter: new Set(letters.map((l) => l.requestId)) };
  }

  /** The oldest other open revocation of the certificate, for one of `reasons`. */
  async openRevocationOf(certificateId: string, exceptId: string, reasons: string[]): Promise<string | undefined> {
    const [heir]: { id: string }[] = await this.db.query(
      `SELECT id FROM registry.lifecycle_request
        WHERE certificate_id = $1 AND id <> $2 AND type = 'revoke' AND status IN ('submitted', 'approved', 'sent') AND reason = ANY ($3::text[])
        ORDER BY created_at, id LIMIT 1`,
      [certificateId, exceptId, reasons],
    );
    return heir?.id;
  }

  async markSuspendedCertificate(id: string): Promise<void> {
    await this.db.query('UPDATE registry.lifecycle_request SET suspended_certificate = true WHERE id = $1', [id]);
  }

  async deviceOwner(id: string): Promise<{ organizationId: string; holderOfficialId: string | null } | undefined> {
    const [d]: { organization_id: string; holder_official_id: string | null }[] = await this.db.query(
      'SELECT organization_id, holder_official_id FROM registry.key_device WHERE id = $1',
      [id],
    );
    return d && { organizationId: d.organization_id, holderOfficialId: d.holder_official_id };
  }

  async officialFacts(
    id: string,
  ): Promise<{ organizationId: string; fullName: string; email: string; title: string } | undefined> {
    const [o]: { organization_id: string; full_name: string; email: string; title: string }[] = await this.db.query(
      'SELECT organization_id, full_name, email, title FROM registry.official WHERE id = $1',
      [id],
    );
    return o && { organizationId: o.organization_id, fullName: o.full_name, email: o.email, title: o.title };
  }

  async organizationFacts(
    id: string,
  ): Promise<{ name: string; address: string | null; parentName: string | null } | undefined> {
    const [o]: { name: string; address: string | null; parent_name: string | null }[] = await this.db.query(
      'SELECT o.name, o.address, p.name AS parent_name FROM registry.organization o LEFT JOIN registry.organization p ON p.id = o.parent_id WHERE o.id = $1',
      [id],
    );
    return o && { name: o.name, address: o.address, parentName: o.parent_name };
  }
}
