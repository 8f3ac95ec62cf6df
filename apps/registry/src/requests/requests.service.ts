import { Inject, Injectable } from '@nestjs/common';
import { Caller, conflict, forbidden, notFound } from '@kyso/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditLog } from '../audit/audit-log';
import { PinHasher } from '../certificates/pin-hasher';
import { CaConnector } from '../ca-connector/ca-connector';
import { ImportedAnswer, importAnswer } from '../ca-connector/manual-ca-connector';
import type { RegistryConfig } from '../config';
import { LettersService } from '../letters/letters.service';
import { RequestLetterEntity } from '../letters/letter.entity';
import { OwnershipService } from '../ownership/ownership.service';
import { Clock } from '@kyso/common';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { applyAnswer } from './fulfilment';
import { LifecycleRecords } from './records-port';
import type { LifecycleRequest, RequestOrigin, RequestStatus, RequestStep, RequestType, RequestView } from './request';
import { LifecycleRequestEntity, LifecycleRequestStepEntity } from './request.entity';
import { DEADLINE_WORKING_DAYS, REVOCATION_CASES, RevocationCaseName } from './request-kinds';
import { actorOf, auditView, toRequest, toRequestView, toStep } from './request-mapping';
import { CreateRequestInput, resolveSubject, subjectFacts } from './request-subject';
import { mayTakeStep, nextStatus, WorkflowAction } from './workflow';
import { WorkingCalendar } from './working-days';

export interface StepOptions {
  note?: string;
  /** approve: PIN of the agency's organisation certificate, to sign the letter; used once, never stored. */
  pin?: string;
  clerkOfficialId?: string;
  /** send (dev CA) / fulfil: PIN of a newly issued certificate, stored only as a hash. */
  signingPin?: string;
  /** fulfil: the CA's answer an operator imports. */
  answer?: ImportedAnswer;
  requestId?: string | null;
}

export interface RequestFilter {
  status?: RequestStatus;
  type?: RequestType;
  organizationId?: string;
  overdue?: boolean;
  origin?: RequestOrigin;
  limit: number;
  offset: number;
}

/** The actor the CA connector fulfils as. */
const connectorActor = (kind: string): Caller => ({
  kind: 'service',
  id: `ca-connector:${kind}`,
  name: `CA connector (${kind})`,
  scopes: [],
  organizationIds: [],
  roles: [],
  officialId: null,
});

/**
 * Lifecycle requests through the Decree 68 workflow. Every step runs in one transaction holding the
 * request's row lock (SELECT ... FOR UPDATE), so two concurrent approvals resolve to one: the
 * second sees the new status and is refused ILLEGAL_TRANSITION. Each change appends to the audit
 * log in the same transaction.
 */
@Injectable()
export class RequestsService {
  private readonly calendar: WorkingCalendar;

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly ownership: OwnershipService,
    private readonly records: LifecycleRecords,
    private readonly connector: CaConnector,
    private readonly letters: LettersService,
    private readonly pins: PinHasher,
    private readonly clock: Clock,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.calendar = new WorkingCalendar(config.holidays ?? []);
  }

  /** Creates a draft; used by the API and, in bulk, by personnel and organisation changes. */
  async create(
    caller: Caller,
    input: CreateRequestInput,
    opts: { requestId?: string | null; manager?: EntityManager; origin?: RequestOrigin; changeEventId?: string } = {},
  ): Promise<RequestView> {
    const run = async (m: EntityManager) => {
      const now = this.clock.now();
      const subject = await resolveSubject(m, this.records, input, now);
      const managingOrganizationId = await this.ownership.managingOrganizationOf(subject.organizationId, m);
      this.requireRole(caller, 'create', managingOrganizationId);
      const repo = m.getRepository(LifecycleRequestEntity);
      const saved = await repo.save(
        repo.create({
          type: input.type,
          status: 'draft',
          ...subject,
          managingOrganizationId,
          origin: opts.origin ?? 'manual',
          changeEventId: opts.changeEventId ?? null,
          dueAt: null,
          result: null,
          suspendedCertificate: false,
          createdBy: actorOf(caller),
        }),
      );
      const r = toRequest(saved);
      await this.recordStep(m, r, 'create', null, 'draft', caller, null, opts.requestId ?? null);
      await this.audit.append(
        {
          actor: actorOf(caller),
          action: 'request.created',
          entityType: 'request',
          entityId: r.id,
          after: auditView(r),
          requestId: opts.requestId ?? null,
        },
        m,
      );
      return this.view(m, r);
    };
    return opts.manager ? run(opts.manager) : this.db.transaction(run);
  }

  async get(id: string): Promise<RequestView> {
    const e = await this.db.getRepository(LifecycleRequestEntity).findOneBy({ id });
    if (!e) throw notFound('REQUEST_NOT_FOUND', `No request ${id}`);
    return this.view(this.db.manager, toRequest(e));
  }

  /** Lists what the caller's organisations manage (all for admins and services). */
  async list(caller: Caller, f: RequestFilter): Promise<RequestView[]> {
    const visible = await this.ownership.visibleTo(caller);
    if (visible && !visible.organizationIds.length && !visible.officialId) return [];
    const qb = this.db.getRepository(LifecycleRequestEntity).createQueryBuilder('r');
    if (visible) {
      // An official sees the requests about them (their own certificates and devices) besides what their other roles manage.
      qb.andWhere(
        `(r.managing_organization_id = ANY (CAST(:orgs AS uuid[])) OR (CAST(:me AS uuid) IS NOT NULL AND (r.official_id = :me OR r.certificate_id IN (SELECT id FROM registry.certificate WHERE holder_official_id = :me))))`,
        { orgs: visible.organizationIds, me: visible.officialId },
      );
    }
    if (f.status) qb.andWhere('r.status = :status', { status: f.status });
    if (f.type) qb.andWhere('r.type = :type', { type: f.type });
    if (f.origin) qb.andWhere('r.origin = :origin', { origin: f.origin });
    if (f.organizationId)
      qb.andWhere('(r.organization_id = :org OR r.managing_organization_id = :org)', { org: f.organizationId });
    if (f.overdue !== undefined)
      qb.andWhere(`(r.status = 'sent' AND r.due_at < :now) = :overdue`, { now: this.clock.now(), overdue: f.overdue });
    const rows = await qb
      .orderBy('r.created_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .take(f.limit)
      .skip(f.offset)
      .getMany();
    return this.views(this.db.manager, rows.map(toRequest));
  }

  async step(id: string, step: RequestStep, caller: Caller, opts: StepOptions = {}): Promise<RequestView> {
    return this.db.transaction(async (m) => {
      const e = await m
        .getRepository(LifecycleRequestEntity)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!e) throw notFound('REQUEST_NOT_FOUND', `No request ${id}`);
      let r = toRequest(e);
      this.requireRole(caller, step, r.managingOrganizationId);
      const to = nextStatus(r.status, step);
      if (!to)
        throw conflict(
          'ILLEGAL_TRANSITION',
          `A ${r.status} request cannot be ${step === 'fulfil' ? 'fulfilled' : `${step}${step.endsWith('e') ? 'd' : 'ed'}`}`,
        );
      const now = this.clock.now();
      const rid = opts.requestId ?? null;
      const patch: Partial<LifecycleRequestEntity> = { status: to };

      if (step === 'submit') patch.suspendedCertificate = await this.blockAtOnce(m, r, caller, rid);
      if ((step === 'reject' || step === 'cancel') && r.suspendedCertificate) await this.unblock(m, r, caller, rid);
      if (step === 'send') patch.dueAt = this.calendar.deadline(now, DEADLINE_WORKING_DAYS[r.type]);
      if (step === 'fulfil') {
        const answer = importAnswer(r, opts.answer ?? {}, now);
        patch.result = await applyAnswer(this.fulfilmentContext(m, caller, rid, now, opts.signingPin), r, answer);
      }
      r = await this.save(m, r, patch, step, caller, opts.note ?? null, rid);
      if (step === 'approve' && opts.pin) await this.letters.sign(m, r, opts.pin, now, opts.clerkOfficialId);
      if (step === 'send') {
        const answer = await this.connector.onSent(r, await subjectFacts(m, this.records, r));
        if (answer) {
          const robot = connectorActor(this.connector.kind);
          const result = await applyAnswer(this.fulfilmentContext(m, robot, rid, now, opts.signingPin), r, answer);
          r = await this.save(m, r, { status: 'fulfilled', result }, 'fulfil', robot, 'Dev CA fulfilled at once', rid);
        }
      }
      return this.view(m, r);
    });
  }

  /** (Re)signs the letter of an approved or sent request. */
  async signLetter(
    id: string,
    caller: Caller,
    pin: string,
    clerkOfficialId?: string,
    requestId?: string | null,
  ): Promise<RequestView> {
    return this.db.transaction(async (m) => {
      const e = await m
        .getRepository(LifecycleRequestEntity)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!e) throw notFound('REQUEST_NOT_FOUND', `No request ${id}`);
      const r = toRequest(e);
      this.requireRole(caller, 'send', r.managingOrganizationId);
      if (r.status !== 'approved' && r.status !== 'sent')
        throw conflict('ILLEGAL_TRANSITION', `Only an approved request has a letter; this one is ${r.status}`);
      await this.letters.sign(m, r, pin, this.clock.now(), clerkOfficialId);
      await this.audit.append(
        {
          actor: actorOf(caller),
          action: 'request.letter_signed',
          entityType: 'request',
          entityId: r.id,
          requestId: requestId ?? null,
        },
        m,
      );
      return this.view(m, r);
    });
  }

  private requireRole(caller: Caller, action: WorkflowAction, managingOrganizationId: string): void {
    if (!mayTakeStep(caller, action, managingOrganizationId)) {
      throw forbidden(
        'ROLE_NOT_ALLOWED_FOR_STEP',
        `The caller's roles do not allow "${action}" for requests of this managing agency`,
      );
    }
  }

  private fulfilmentContext(
    m: EntityManager,
    caller: Caller,
    requestId: string | null,
    now: Date,
    signingPin?: string,
  ) {
    return {
      m,
      records: this.records,
      audit: this.audit,
      pins: this.pins,
      actor: actorOf(caller),
      requestId,
      now,
      signingPin,
    };
  }

  /** R10: a revocation for (suspected) key exposure or loss suspends the certificate at submission. */
  private async blockAtOnce(
    m: EntityManager,
    r: LifecycleRequest,
    caller: Caller,
    requestId: string | null,
  ): Promise<boolean> {
    if (r.type !== 'revoke' || !r.certificateId || !REVOCATION_CASES[r.reason as RevocationCaseName]?.blocksAtOnce)
      return false;
    const c = await this.records.certificate(m, r.certificateId, true);
    if (!c || c.status !== 'active') return false;
    await this.records.setCertificateStatus(m, c.id, 'suspended', { actor: actorOf(caller), requestId });
    return true;
  }

  /**
   * A rejected or cancelled revocation gives back what submission suspended, unless another open
   * revocation of the same certificate also blocks signing at once (a loss and a compromise
   * reported together): that one then holds the suspension and gives it back when it ends.
   */
  private async unblock(
    m: EntityManager,
    r: LifecycleRequest,
    caller: Caller,
    requestId: string | null,
  ): Promise<void> {
    const c = r.certificateId ? await this.records.certificate(m, r.certificateId, true) : undefined;
    if (!c || c.status !== 'suspended') return;
    const blocking = Object.entries(REVOCATION_CASES)
      .filter(([, k]) => k.blocksAtOnce)
      .map(([name]) => name);
    const [heir]: { id: string }[] = await m.query(
      `SELECT id FROM registry.lifecycle_request
        WHERE certificate_id = $1 AND id <> $2 AND type = 'revoke' AND status IN ('submitted', 'approved', 'sent') AND reason = ANY ($3::text[])
        ORDER BY created_at, id LIMIT 1`,
      [c.id, r.id, blocking],
    );
    if (heir) {
      await m.query('UPDATE registry.lifecycle_request SET suspended_certificate = true WHERE id = $1', [heir.id]);
      await this.audit.append(
        {
          actor: actorOf(caller),
          action: 'request.suspension_transferred',
          entityType: 'request',
          entityId: heir.id,
          before: { suspendedCertificate: false },
          after: { suspendedCertificate: true, from: r.id },
          requestId,
        },
        m,
      );
      return;
    }
    await this.records.setCertificateStatus(m, c.id, 'active', { actor: actorOf(caller), requestId });
  }

  private async save(
    m: EntityManager,
    r: LifecycleRequest,
    patch: Partial<LifecycleRequestEntity>,
    step: RequestStep,
    caller: Caller,
    note: string | null,
    requestId: string | null,
  ): Promise<LifecycleRequest> {
    await m
      .getRepository(LifecycleRequestEntity)
      .update({ id: r.id }, patch as QueryDeepPartialEntity<LifecycleRequestEntity>);
    const after = toRequest((await m.getRepository(LifecycleRequestEntity).findOneBy({ id: r.id }))!);
    await this.recordStep(m, after, step, r.status, after.status, caller, note, requestId);
    const action = {
      submit: 'submitted',
      approve: 'approved',
      reject: 'rejected',
      send: 'sent',
      fulfil: 'fulfilled',
      cancel: 'cancelled',
    }[step];
    await this.audit.append(
      {
        actor: actorOf(caller),
        action: `request.${action}`,
        entityType: 'request',
        entityId: r.id,
        before: auditView(r),
        after: auditView(after),
        requestId,
      },
      m,
    );
    return after;
  }

  private async recordStep(
    m: EntityManager,
    r: LifecycleRequest,
    step: RequestStep | 'create',
    from: RequestStatus | null,
    to: RequestStatus,
    caller: Caller,
    note: string | null,
    _requestId: string | null,
  ): Promise<void> {
    const repo = m.getRepository(LifecycleRequestStepEntity);
    await repo.insert(
      repo.create({
        requestId: r.id,
        step,
        fromStatus: from,
        toStatus: to,
        actor: actorOf(caller),
        note,
        at: this.clock.now(),
      }),
    );
  }

  private async view(m: EntityManager, r: LifecycleRequest): Promise<RequestView> {
    return (await this.views(m, [r]))[0];
  }

  private async views(m: EntityManager, rs: LifecycleRequest[]): Promise<RequestView[]> {
    if (rs.length === 0) return [];
    const ids = rs.map((r) => r.id);
    const steps = await m
      .getRepository(LifecycleRequestStepEntity)
      .find({ where: { requestId: In(ids) }, order: { id: 'ASC' } });
    const letters = await m
      .getRepository(RequestLetterEntity)
      .find({ where: { requestId: In(ids) }, select: { requestId: true } });
    const withLetter = new Set(letters.map((l) => l.requestId));
    const now = this.clock.now();
    return rs.map((r) =>
      toRequestView(r, steps.filter((s) => s.requestId === r.id).map(toStep), withLetter.has(r.id), now),
    );
  }
}
