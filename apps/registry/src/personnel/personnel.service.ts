import { HttpStatus, Injectable } from '@nestjs/common';
import { badRequest, Caller, Clock, conflict, forbidden, notFound, ProblemError } from '@kyso/common';
import type { AuditActor } from '../audit/audit-log';
import { AuditLog } from '../audit/audit-log';
import { auditRefusals } from '../audit/refusals';
import { OwnershipService } from '../ownership/ownership.service';
import type { RequestView } from '../requests/request';
import { actorOf } from '../requests/request-mapping';
import type { CreateRequestInput } from '../requests/request-subject';
import { RequestsService } from '../requests/requests.service';
import { mayTakeStep } from '../requests/workflow';
import type { EmploymentStatus } from '../officials/official';
import { OfficialsService } from '../officials/officials.service';
import { startOfVietnamDay, vietnamDate } from '../requests/working-days';
import { Transactions } from '../shared/transactions';
import type { ChangeEventEntity } from './change-event.entity';
import { ChangeSchedule } from './change-schedule';
import { CertRow, NewChangeEvent, NotificationView, PersonnelRepository } from './personnel.repository';

export const PERSONNEL_KINDS = ['retirement', 'resignation', 'transfer', 'death'] as const;
export type PersonnelKind = (typeof PERSONNEL_KINDS)[number];
export const ORGANIZATION_CHANGE_KINDS = ['rename', 'move', 'merge', 'split', 'dissolve'] as const;
export type OrganizationChangeKind = (typeof ORGANIZATION_CHANGE_KINDS)[number];

/** What a personnel change does to the official's record (a transfer moves them to the new organisation). */
const EMPLOYMENT_AFTER: Record<Exclude<PersonnelKind, 'transfer'>, EmploymentStatus> = {
  retirement: 'retired',
  resignation: 'resigned',
  death: 'deceased',
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

export interface PersonnelChangeInput {
  officialId: string;
  kind: PersonnelKind;
  effectiveDate: string;
  newOrganizationId?: string;
}

export interface ChangeOutcome {
  changeEventId: string;
  /** `scheduled`: dated in the future, nothing raised yet; `applied`: drafts raised and the record changed now. */
  status: 'applied' | 'scheduled';
  requests: RequestView[];
  notificationIds: string[];
}

export interface ScheduledChangeView {
  changeEventId: string;
  kind: string;
  officialId: string | null;
  effectiveDate: string;
  status: 'scheduled' | 'applied' | 'cancelled';
  cancelledAt?: string;
}

const scheduledView = (e: ChangeEventEntity): ScheduledChangeView => ({
  changeEventId: e.id,
  kind: e.kind,
  officialId: e.officialId,
  effectiveDate: e.effectiveDate,
  status: e.status,
});

/** Who a scheduled change is applied as: the registry, on behalf of whoever recorded it (kept in the audit). */
const scheduledCaller = (recordedBy: AuditActor): Caller => ({
  kind: 'service',
  id: 'registry:scheduled-changes',
  name: `scheduled change recorded by ${recordedBy.name}`,
  scopes: [],
  organizationIds: [],
  roles: [],
  officialId: null,
});

/**
 * Personnel and organisation changes raise the lifecycle drafts the decree requires (R10, R9) for
 * every affected certificate and device, in ONE transaction, and notify the IT officers of each
 * managing agency. The drafts then go through the normal workflow.
 */
export interface PersonnelChangeInput {
  officialId: string;
  kind: PersonnelKind;
  effectiveDate: string;
  newOrganizationId?: string;
}

@Injectable()
export class PersonnelService {
  constructor(
    private readonly repo: PersonnelRepository,
    private readonly tx: Transactions,
    private readonly requests: RequestsService,
    private readonly ownership: OwnershipService,
    private readonly audit: AuditLog,
    private readonly officials: OfficialsService,
    private readonly schedule: ChangeSchedule,
    private readonly clock: Clock,
  ) {}

  /** Records a personnel change; a refused one (e.g. a transfer into an organisation not covered) is audited. */
  personnelChange(caller: Caller, input: PersonnelChangeInput, requestId: string | null): Promise<ChangeOutcome> {
    const refused = {
      action: 'personnel_change.refused',
      entityType: 'official',
      entityId: input.officialId,
      attempt: { kind: input.kind, effectiveDate: input.effectiveDate, newOrganizationId: input.newOrganizationId },
    };
    return auditRefusals(this.audit, { actor: actorOf(caller), requestId }, refused, () =>
      this.personnelChangeChecked(caller, input, requestId),
    );
  }

  private async personnelChangeChecked(
    caller: Caller,
    input: PersonnelChangeInput,
    requestId: string | null,
  ): Promise<ChangeOutcome> {
    if (input.kind === 'transfer' && !input.newOrganizationId) {
      throw badRequest('MISSING_FIELD', 'newOrganizationId: required for a transfer', {
        errors: [{ field: 'newOrganizationId', problem: 'missing' }],
      });
    }
    return this.tx.run(async () => {
      const official = await this.repo.official(input.officialId);
      if (!official) throw notFound('OFFICIAL_NOT_FOUND', `No official ${input.officialId}`);
      if (input.newOrganizationId && !(await this.repo.existingOrganizationIds([input.newOrganizationId])).length) {
        throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${input.newOrganizationId}`);
      }
      const managing = await this.ownership.managingOrganizationOf(official.organizationId);
      this.requireCreate(caller, managing);
      const managingIds = [managing];
      // A transfer needs authority over the organisation the official joins too (issue 11).
      if (input.newOrganizationId) {
        const target = await this.ownership.managingOrganizationOf(input.newOrganizationId);
        this.requireCreate(caller, target, 'target');
        if (target !== managing) managingIds.push(target);
      }
      const now = this.clock.now();
      // Dated today or earlier: applies now, as today. Later: waits for its day (R10 counts from it).
      const scheduled = input.effectiveDate > vietnamDate(now);
      const event = await this.saveEvent(caller, {
        category: 'personnel',
        kind: input.kind,
        officialId: input.officialId,
        organizationIds: [],
        newOrganizationId: input.newOrganizationId ?? null,
        effectiveDate: input.effectiveDate,
        details: {},
        status: scheduled ? 'scheduled' : 'applied',
        appliedAt: scheduled ? null : now,
        managingOrganizationIds: managingIds,
      });
      if (!scheduled) return this.applyPersonnel(caller, event.id, official.fullName, managing, input, requestId);
      await this.schedule.schedule(event.id, startOfVietnamDay(input.effectiveDate).getTime() - now.getTime());
      const message = `Cán bộ ${official.fullName} ${PERSONNEL_VI[input.kind]} từ ngày ${input.effectiveDate}: thay đổi đã được lên lịch, các dự thảo yêu cầu sẽ được lập vào ngày có hiệu lực.`;
      const notificationIds: string[] = [];
      for (const org of managingIds)
        notificationIds.push(await this.notifyOne(org, event.id, `personnel.${input.kind}.scheduled`, message, []));
      return { changeEventId: event.id, status: 'scheduled', requests: [], notificationIds };
    });
  }

  /**
   * The delayed job's work: applies a scheduled change once. Under the event's row lock, so a second
   * run (a duplicate job, a worker restart, the boot sweep) or a run after a cancel finds it no
   * longer `scheduled` and does nothing.
   */
  async applyScheduled(changeEventId: string): Promise<'applied' | 'skipped'> {
    return this.tx.run(async () => {
      const e = await this.repo.lockChangeEvent(changeEventId);
      // Not visible yet (its transaction has not committed): the job is retried.
      if (!e) throw new Error(`change event ${changeEventId} not found`);
      if (e.status !== 'scheduled' || e.category !== 'personnel' || !e.officialId) return 'skipped';
      const official = await this.repo.official(e.officialId);
      if (!official) throw new Error(`official ${e.officialId} of change event ${e.id} not found`);
      const caller = scheduledCaller(e.recordedBy);
      const managing = await this.ownership.managingOrganizationOf(official.organizationId);
      const input: PersonnelChangeInput = {
        officialId: e.officialId,
        kind: e.kind as PersonnelKind,
        effectiveDate: e.effectiveDate,
        newOrganizationId: e.newOrganizationId ?? undefined,
      };
      await this.applyPersonnel(caller, e.id, official.fullName, managing, input, null);
      await this.repo.setChangeEventStatus(e.id, { status: 'applied', appliedAt: this.clock.now() });
      await this.audit.append({
        actor: actorOf(caller),
        action: 'personnel_change.applied',
        entityType: 'change_event',
        entityId: e.id,
        before: { status: 'scheduled' },
        after: { status: 'applied', effectiveDate: e.effectiveDate },
      });
      return 'applied';
    });
  }

  /** Cancels a change still waiting for its effective date (the IT officer of each managing agency concerned, or an admin). */
  async cancelScheduled(caller: Caller, changeEventId: string, requestId: string | null): Promise<ScheduledChangeView> {
    const view = await this.tx.run(async () => {
      const e = await this.repo.lockChangeEvent(changeEventId);
      if (!e || e.category !== 'personnel')
        throw notFound('CHANGE_EVENT_NOT_FOUND', `No personnel change ${changeEventId}`);
      for (const org of e.managingOrganizationIds) this.requireCreate(caller, org);
      if (e.status !== 'scheduled')
        throw conflict('CHANGE_NOT_SCHEDULED', `The change is ${e.status}; only a scheduled change can be cancelled`);
      const at = this.clock.now();
      await this.repo.setChangeEventStatus(e.id, {
        status: 'cancelled',
        cancelledAt: at,
        cancelledBy: actorOf(caller),
      });
      await this.audit.append({
        actor: actorOf(caller),
        action: 'personnel_change.cancelled',
        entityType: 'change_event',
        entityId: e.id,
        before: { status: 'scheduled' },
        after: { status: 'cancelled' },
        requestId,
      });
      return { ...scheduledView(e), status: 'cancelled' as const, cancelledAt: at.toISOString() };
    });
    // After the commit: were this to fail, the job would still find the change cancelled.
    await this.schedule.unschedule(changeEventId);
    return view;
  }

  /** Scheduled changes whose job may be missing (Redis emptied, a job failed) are queued again at boot. */
  async rescheduleWaiting(): Promise<number> {
    const waiting = await this.repo.scheduledChangeEvents();
    const now = this.clock.now().getTime();
    for (const e of waiting) await this.schedule.schedule(e.id, startOfVietnamDay(e.effectiveDate).getTime() - now);
    return waiting.length;
  }

  /** Drafts, the official's record and the notices: the change taking effect, in the caller's transaction. */
  private async applyPersonnel(
    caller: Caller,
    changeEventId: string,
    fullName: string,
    managing: string,
    input: PersonnelChangeInput,
    requestId: string | null,
  ): Promise<ChangeOutcome> {
    const certs = await this.repo.liveCertificatesOfOfficial(input.officialId);
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
      const devices = await this.repo.devicesHeldBy(input.officialId);
      drafts.push(
        ...devices.map((id): CreateRequestInput => ({ type: 'return-device', deviceId: id, reason: input.kind })),
      );
    }
    const requests = await this.raise(caller, changeEventId, 'personnel-change', drafts, requestId);
    // The official's record follows the change, in the same transaction (audited by OfficialsService).
    const patch =
      input.kind === 'transfer'
        ? { organizationId: input.newOrganizationId! }
        : { employmentStatus: EMPLOYMENT_AFTER[input.kind] };
    await this.officials.applyPersonnelChange(input.officialId, patch, { actor: actorOf(caller), requestId });
    const message = `Cán bộ ${fullName} ${PERSONNEL_VI[input.kind]} từ ngày ${input.effectiveDate}: đã lập ${requests.length} dự thảo yêu cầu cần xử lý.`;
    const notificationIds = await this.notify(changeEventId, `personnel.${input.kind}`, message, requests);
    if (notificationIds.length === 0)
      notificationIds.push(await this.notifyOne(managing, changeEventId, `personnel.${input.kind}`, message, []));
    return { changeEventId, status: 'applied', requests, notificationIds };
  }

  organizationChange(caller: Caller, input: OrganizationChangeInput, requestId: string | null): Promise<ChangeOutcome> {
    return this.organizationChangeIn(caller, input, requestId);
  }

  /** Also called inside an organisation event's transaction, which it then joins. */
  organizationChangeIn(
    caller: Caller,
    input: OrganizationChangeInput,
    requestId: string | null,
  ): Promise<ChangeOutcome> {
    return this.tx.run(async () => {
      const known = await this.repo.existingOrganizationIds(input.organizationIds);
      const missing = input.organizationIds.filter((id) => !known.includes(id));
      if (missing.length) throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${missing.join(', ')}`);
      const orgIds = await this.repo.withUnits(input.organizationIds);
      const event = await this.saveEvent(caller, {
        category: 'organization',
        kind: input.kind,
        officialId: null,
        organizationIds: input.organizationIds,
        newOrganizationId: input.targetOrganizationId ?? null,
        effectiveDate: input.effectiveDate,
        details: input.newName ? { newName: input.newName } : {},
        status: 'applied',
        appliedAt: this.clock.now(),
        managingOrganizationIds: [],
      });
      const certs = await this.repo.liveCertificatesOfOrganizations(orgIds);
      const details = {
        effectiveDate: input.effectiveDate,
        ...(input.newName ? { newName: input.newName } : {}),
        ...(input.targetOrganizationId ? { newOrganizationId: input.targetOrganizationId } : {}),
      };
      const drafts: CreateRequestInput[] = certs.map((c) => draftFor(input.kind, c, details));
      if (input.kind === 'dissolve') {
        const devices = await this.repo.devicesOutOf(orgIds);
        drafts.push(
          ...devices.map((id): CreateRequestInput => ({
            type: 'return-device',
            deviceId: id,
            reason: 'organization-dissolved',
          })),
        );
      }
      const requests = await this.raise(caller, event.id, 'organization-change', drafts, requestId);
      const message = `Cơ quan, tổ chức ${ORGANIZATION_VI[input.kind]} từ ngày ${input.effectiveDate}${input.newName ? ` (tên mới: ${input.newName})` : ''}: đã lập dự thảo yêu cầu cho các chứng thư số, thiết bị bị ảnh hưởng.`;
      const notificationIds = await this.notify(event.id, `organization.${input.kind}`, message, requests);
      return { changeEventId: event.id, status: 'applied', requests, notificationIds };
    });
  }

  async notifications(caller: Caller, page: { limit: number; offset: number }): Promise<NotificationView[]> {
    // Notices go to the IT officers of a managing agency: an official's own role sees none.
    const visible = await this.ownership.visibleTo(caller);
    const scope = visible ? visible.organizationIds : 'all';
    if (scope !== 'all' && scope.length === 0) return [];
    return this.repo.notifications(scope, page);
  }

  /** Pending drafts and requests raised by personnel and organisation changes (dashboard). */
  async pendingReport(caller: Caller) {
    const visible = await this.ownership.visibleTo(caller);
    const scope = visible ? visible.organizationIds : 'all';
    if (scope !== 'all' && scope.length === 0) return [];
    return this.repo.pendingReport(scope);
  }

  private requireCreate(caller: Caller, managingOrganizationId: string, which: 'current' | 'target' = 'current'): void {
    if (mayTakeStep(caller, 'create', managingOrganizationId)) return;
    if (which === 'target')
      throw new ProblemError(
        HttpStatus.FORBIDDEN,
        'TARGET_ORGANIZATION_NOT_COVERED',
        'Forbidden',
        'A transfer needs authority over the new organisation as well: only its managing agency’s IT officer (or an admin, or a system serving it) records it',
        {
          messageVi:
            'Việc chuyển công tác phải do người có thẩm quyền đối với cả cơ quan, tổ chức nơi cán bộ chuyển đến ghi nhận.',
        },
      );
    throw forbidden(
      'ROLE_NOT_ALLOWED_FOR_STEP',
      'Only the IT officer of the managing agency (or an admin) records personnel changes',
    );
  }

  private async saveEvent(caller: Caller, e: Omit<NewChangeEvent, 'recordedBy'>): Promise<{ id: string }> {
    const saved = { id: await this.repo.insertChangeEvent({ ...e, recordedBy: actorOf(caller) }) };
    await this.audit.append({
      actor: actorOf(caller),
      action: `${e.category}_change.recorded`,
      entityType: 'change_event',
      entityId: saved.id,
      after: {
        kind: e.kind,
        officialId: e.officialId,
        organizationIds: e.organizationIds,
        effectiveDate: e.effectiveDate,
        status: e.status,
      },
    });
    return saved;
  }

  private async raise(
    caller: Caller,
    changeEventId: string,
    origin: 'personnel-change' | 'organization-change',
    drafts: CreateRequestInput[],
    requestId: string | null,
  ): Promise<RequestView[]> {
    const out: RequestView[] = [];
    for (const d of drafts) out.push(await this.requests.create(caller, d, { origin, changeEventId, requestId }));
    return out;
  }

  /** One notice per managing agency, to its IT officers, naming the drafts raised there. */
  private async notify(
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
      ids.push(await this.notifyOne(org, changeEventId, kind, message, requestIds));
    return ids;
  }

  private notifyOne(
    organizationId: string,
    changeEventId: string,
    kind: string,
    message: string,
    requestIds: string[],
  ): Promise<string> {
    return this.repo.insertNotification({
      organizationId,
      audience: 'it-officer',
      kind,
      message,
      changeEventId,
      requestIds,
    });
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
