import { Injectable } from '@nestjs/common';
import { badRequest, Caller, forbidden, notFound } from '@kyso/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { OwnershipService } from '../ownership/ownership.service';
import type { RequestView } from '../requests/request';
import { actorOf } from '../requests/request-mapping';
import type { CreateRequestInput } from '../requests/request-subject';
import { RequestsService } from '../requests/requests.service';
import { mayTakeStep } from '../requests/workflow';
import { ChangeEventEntity, NotificationEntity } from './change-event.entity';
import type { EmploymentStatus } from '../officials/official';
import { OfficialsService } from '../officials/officials.service';

export const PERSONNEL_KINDS = ['retirement', 'resignation', 'transfer', 'death'] as const;
export type PersonnelKind = (typeof PERSONNEL_KINDS)[number];
export const ORGANIZATION_CHANGE_KINDS = ['rename', 'move', 'merge', 'split', 'dissolve'] as const;
export type OrganizationChangeKind = (typeof ORGANIZATION_CHANGE_KINDS)[number];

/** What a personnel change does to the official's record (a transfer moves them to the new organisation). */
const EMPLOYMENT_AFTER: Record<Exclude<PersonnelKind, 'transfer'>, EmploymentStatus> = {
  retirement: 'retired',
  resignation: 'dismissed',
  death: 'dismissed',
};

export interface OrganizationChangeInput {
  kind: OrganizationChangeKind;
  organizationIds: string[];
  effectiveDate: string;
  newName?: string;
  targetOrganizationId?: string;
}

const PERSONNEL_VI: Record<PersonnelKind, string> = {
  retirement: 'nghỉ hưu',
  resignation: 'thôi việc',
  transfer: 'chuyển công tác',
  death: 'qua đời',
};
const ORGANIZATION_VI: Record<OrganizationChangeKind, string> = {
  rename: 'đổi tên',
  move: 'chuyển cơ quan chủ quản',
  merge: 'sáp nhập, hợp nhất',
  split: 'chia, tách',
  dissolve: 'giải thể',
};

export interface ChangeOutcome {
  changeEventId: string;
  requests: RequestView[];
  notificationIds: string[];
}

interface CertRow {
  id: string;
  subject_type: 'person' | 'organization' | 'device';
  device_id: string | null;
}

/** Certificates still usable: the ones a change must act on. */
const LIVE = `status IN ('active', 'suspended') AND not_after > now()`;

/**
 * Personnel and organisation changes raise the lifecycle drafts the decree requires (R10, R9) for
 * every affected certificate and device, in ONE transaction, and notify the IT officers of each
 * managing agency. The drafts then go through the normal workflow.
 */
@Injectable()
export class PersonnelService {
  constructor(
    private readonly db: DataSource,
    private readonly requests: RequestsService,
    private readonly ownership: OwnershipService,
    private readonly audit: AuditLog,
    private readonly officials: OfficialsService,
  ) {}

  async personnelChange(
    caller: Caller,
    input: { officialId: string; kind: PersonnelKind; effectiveDate: string; newOrganizationId?: string },
    requestId: string | null,
  ): Promise<ChangeOutcome> {
    if (input.kind === 'transfer' && !input.newOrganizationId) {
      throw badRequest('MISSING_FIELD', 'newOrganizationId: required for a transfer', {
        errors: [{ field: 'newOrganizationId', problem: 'missing' }],
      });
    }
    return this.db.transaction(async (m) => {
      const [official] = await m.query('SELECT organization_id, full_name FROM registry.official WHERE id = $1', [
        input.officialId,
      ]);
      if (!official) throw notFound('OFFICIAL_NOT_FOUND', `No official ${input.officialId}`);
      if (
        input.newOrganizationId &&
        !(await m.query('SELECT 1 FROM registry.organization WHERE id = $1', [input.newOrganizationId])).length
      ) {
        throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${input.newOrganizationId}`);
      }
      const managing = await this.ownership.managingOrganizationOf(official.organization_id, m);
      this.requireCreate(caller, managing);
      const event = await this.saveEvent(m, caller, {
        category: 'personnel',
        kind: input.kind,
        officialId: input.officialId,
        organizationIds: [],
        newOrganizationId: input.newOrganizationId ?? null,
        effectiveDate: input.effectiveDate,
        details: {},
      });
      const certs: CertRow[] = await m.query(
        `SELECT id, subject_type, device_id FROM registry.certificate WHERE holder_official_id = $1 AND subject_type = 'person' AND ${LIVE} ORDER BY created_at`,
        [input.officialId],
      );
      const drafts: CreateRequestInput[] = certs.map((c) =>
        input.kind === 'transfer'
          ? {
              type: 'change',
              certificateId: c.id,
              reason: 'person-transferred',
              details: { newOrganizationId: input.newOrganizationId, effectiveDate: input.effectiveDate },
            }
          : {
              type: 'revoke',
              certificateId: c.id,
              reason: input.kind,
              details: { effectiveDate: input.effectiveDate },
            },
      );
      if (input.kind !== 'transfer') {
        const devices: { id: string }[] = await m.query(
          `SELECT id FROM registry.key_device WHERE holder_official_id = $1 AND state IN ('issued', 'locked') ORDER BY created_at`,
          [input.officialId],
        );
        drafts.push(
          ...devices.map((d): CreateRequestInput => ({ type: 'return-device', deviceId: d.id, reason: input.kind })),
        );
      }
      const requests = await this.raise(m, caller, event.id, 'personnel-change', drafts, requestId);
      // The official's record follows the change, in the same transaction (audited by OfficialsService).
      const patch =
        input.kind === 'transfer'
          ? { organizationId: input.newOrganizationId }
          : { employmentStatus: EMPLOYMENT_AFTER[input.kind] };
      await this.officials.update(input.officialId, patch, { actor: actorOf(caller), requestId }, m);
      const message = `Cán bộ ${official.full_name} ${PERSONNEL_VI[input.kind]} từ ngày ${input.effectiveDate}: đã lập ${requests.length} dự thảo yêu cầu cần xử lý.`;
      const notificationIds = await this.notify(m, event.id, `personnel.${input.kind}`, message, requests);
      if (notificationIds.length === 0)
        notificationIds.push(await this.notifyOne(m, managing, event.id, `personnel.${input.kind}`, message, []));
      return { changeEventId: event.id, requests, notificationIds };
    });
  }

  organizationChange(caller: Caller, input: OrganizationChangeInput, requestId: string | null): Promise<ChangeOutcome> {
    return this.db.transaction((m) => this.organizationChangeIn(m, caller, input, requestId));
  }

  /** As organizationChange, inside the caller's transaction (an organisation event being recorded). */
  async organizationChangeIn(
    m: EntityManager,
    caller: Caller,
    input: OrganizationChangeInput,
    requestId: string | null,
  ): Promise<ChangeOutcome> {
    {
      const known: { id: string }[] = await m.query(
        'SELECT id FROM registry.organization WHERE id = ANY ($1::uuid[])',
        [input.organizationIds],
      );
      const missing = input.organizationIds.filter((id) => !known.some((k) => k.id === id));
      if (missing.length) throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${missing.join(', ')}`);
      const affected: { id: string }[] = await m.query(
        `WITH RECURSIVE down AS (
           SELECT id, 0 AS depth FROM registry.organization WHERE id = ANY ($1::uuid[])
           UNION SELECT o.id, d.depth + 1 FROM registry.organization o JOIN down d ON o.parent_id = d.id WHERE d.depth < 64)
         SELECT DISTINCT id FROM down`,
        [input.organizationIds],
      );
      const orgIds = affected.map((a) => a.id);
      const event = await this.saveEvent(m, caller, {
        category: 'organization',
        kind: input.kind,
        officialId: null,
        organizationIds: input.organizationIds,
        newOrganizationId: input.targetOrganizationId ?? null,
        effectiveDate: input.effectiveDate,
        details: input.newName ? { newName: input.newName } : {},
      });
      const certs: CertRow[] = await m.query(
        `SELECT id, subject_type, device_id FROM registry.certificate WHERE organization_id = ANY ($1::uuid[]) AND ${LIVE} ORDER BY created_at, id`,
        [orgIds],
      );
      const details = {
        effectiveDate: input.effectiveDate,
        ...(input.newName ? { newName: input.newName } : {}),
        ...(input.targetOrganizationId ? { newOrganizationId: input.targetOrganizationId } : {}),
      };
      const drafts: CreateRequestInput[] = certs.map((c) => draftFor(input.kind, c, details));
      if (input.kind === 'dissolve') {
        const devices: { id: string }[] = await m.query(
          `SELECT id FROM registry.key_device WHERE organization_id = ANY ($1::uuid[]) AND state IN ('issued', 'locked') ORDER BY created_at`,
          [orgIds],
        );
        drafts.push(
          ...devices.map((d): CreateRequestInput => ({
            type: 'return-device',
            deviceId: d.id,
            reason: 'organization-dissolved',
          })),
        );
      }
      const requests = await this.raise(m, caller, event.id, 'organization-change', drafts, requestId);
      const message = `Cơ quan, tổ chức ${ORGANIZATION_VI[input.kind]} từ ngày ${input.effectiveDate}${input.newName ? ` (tên mới: ${input.newName})` : ''}: đã lập dự thảo yêu cầu cho các chứng thư số, thiết bị bị ảnh hưởng.`;
      const notificationIds = await this.notify(m, event.id, `organization.${input.kind}`, message, requests);
      return { changeEventId: event.id, requests, notificationIds };
    }
  }

  async notifications(caller: Caller, page: { limit: number; offset: number }) {
    // Notices go to the IT officers of a managing agency: an official's own role sees none.
    const visible = await this.ownership.visibleTo(caller);
    const scope = visible ? visible.organizationIds : 'all';
    if (scope !== 'all' && scope.length === 0) return [];
    const qb = this.db.getRepository(NotificationEntity).createQueryBuilder('n');
    if (scope !== 'all') qb.where('n.organization_id IN (:...scope)', { scope });
    const rows = await qb
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'ASC')
      .take(page.limit)
      .skip(page.offset)
      .getMany();
    return rows.map((n) => ({
      id: n.id,
      organizationId: n.organizationId,
      audience: n.audience,
      kind: n.kind,
      message: n.message,
      changeEventId: n.changeEventId,
      requestIds: n.requestIds,
      createdAt: n.createdAt.toISOString(),
    }));
  }

  /** Pending drafts and requests raised by personnel and organisation changes (dashboard). */
  async pendingReport(caller: Caller) {
    const visible = await this.ownership.visibleTo(caller);
    const scope = visible ? visible.organizationIds : 'all';
    if (scope !== 'all' && scope.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT r.id AS "requestId", r.type, r.status, r.reason, r.certificate_id AS "certificateId", r.device_id AS "deviceId",
              r.official_id AS "officialId", r.managing_organization_id AS "managingOrganizationId",
              e.id AS "changeEventId", e.category, e.kind AS "changeKind", e.effective_date::text AS "effectiveDate", r.created_at AS "createdAt"
         FROM registry.lifecycle_request r JOIN registry.change_event e ON e.id = r.change_event_id
        WHERE r.status IN ('draft', 'submitted', 'approved', 'sent') AND ($1::uuid[] IS NULL OR r.managing_organization_id = ANY ($1::uuid[]))
        ORDER BY e.effective_date, r.created_at, r.id`,
      [scope === 'all' ? null : scope],
    );
    return rows;
  }

  private requireCreate(caller: Caller, managingOrganizationId: string): void {
    if (!mayTakeStep(caller, 'create', managingOrganizationId)) {
      throw forbidden(
        'ROLE_NOT_ALLOWED_FOR_STEP',
        'Only the IT officer of the managing agency (or an admin) records personnel changes',
      );
    }
  }

  private async saveEvent(
    m: EntityManager,
    caller: Caller,
    e: Omit<ChangeEventEntity, 'id' | 'createdAt' | 'recordedBy'>,
  ): Promise<ChangeEventEntity> {
    const repo = m.getRepository(ChangeEventEntity);
    const saved = await repo.save(repo.create({ ...e, recordedBy: actorOf(caller) }));
    await this.audit.append(
      {
        actor: actorOf(caller),
        action: `${e.category}_change.recorded`,
        entityType: 'change_event',
        entityId: saved.id,
        after: {
          kind: e.kind,
          officialId: e.officialId,
          organizationIds: e.organizationIds,
          effectiveDate: e.effectiveDate,
        },
      },
      m,
    );
    return saved;
  }

  private async raise(
    m: EntityManager,
    caller: Caller,
    changeEventId: string,
    origin: 'personnel-change' | 'organization-change',
    drafts: CreateRequestInput[],
    requestId: string | null,
  ): Promise<RequestView[]> {
    const out: RequestView[] = [];
    for (const d of drafts)
      out.push(await this.requests.create(caller, d, { manager: m, origin, changeEventId, requestId }));
    return out;
  }

  /** One notice per managing agency, to its IT officers, naming the drafts raised there. */
  private async notify(
    m: EntityManager,
    changeEventId: string,
    kind: string,
    message: string,
    requests: RequestView[],
  ): Promise<string[]> {
    const byOrg = new Map<string, string[]>();
    for (const r of requests)
      byOrg.set(r.managingOrganizationId, [...(byOrg.get(r.managingOrganizationId) ?? []), r.id]);
    const ids: string[] = [];
    for (const [org, requestIds] of byOrg)
      ids.push(await this.notifyOne(m, org, changeEventId, kind, message, requestIds));
    return ids;
  }

  private async notifyOne(
    m: EntityManager,
    organizationId: string,
    changeEventId: string,
    kind: string,
    message: string,
    requestIds: string[],
  ): Promise<string> {
    const repo = m.getRepository(NotificationEntity);
    return (
      await repo.save(repo.create({ organizationId, audience: 'it-officer', kind, message, changeEventId, requestIds }))
    ).id;
  }
}

/** Which draft an organisation change raises for one certificate (R9 change of information, R10 revocation). */
export function draftFor(
  kind: OrganizationChangeKind,
  c: CertRow,
  details: Record<string, unknown>,
): CreateRequestInput {
  if (kind === 'rename') return { type: 'change', certificateId: c.id, reason: 'organization-renamed', details };
  if (kind === 'move') return { type: 'change', certificateId: c.id, reason: 'organization-reorganized', details };
  if (kind === 'dissolve') {
    const reason =
      c.subject_type === 'organization'
        ? 'organization-dissolved'
        : c.subject_type === 'device'
          ? 'device-end-of-operation'
          : 'position-changed';
    return { type: 'revoke', certificateId: c.id, reason, details };
  }
  // Merge or split: the organisation's own certificate ends; its people and devices change information.
  if (c.subject_type === 'organization')
    return {
      type: 'revoke',
      certificateId: c.id,
      reason: kind === 'merge' ? 'organization-merged' : 'organization-split',
      details,
    };
  return { type: 'change', certificateId: c.id, reason: 'organization-reorganized', details };
}
