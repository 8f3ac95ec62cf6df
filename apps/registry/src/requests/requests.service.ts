import { Inject, Injectable } from '@nestjs/common';
import { Caller, conflict, forbidden, notFound } from '@kyso/common';
import { AuditLog } from '../audit/audit-log';
import { auditRefusals } from '../audit/refusals';
import { PinHasher } from '../certificates/pin-hasher';
import { CaConnector } from '../ca-connector/ca-connector';
import { ImportedAnswer, importAnswer } from '../ca-connector/manual-ca-connector';
import type { RegistryConfig } from '../config';
import { LettersService } from '../letters/letters.service';
import { OwnershipService } from '../ownership/ownership.service';
import { Clock } from '@kyso/common';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { Transactions } from '../shared/transactions';
import { PinLocksRepository } from '../signing-authorizations/pin-locks.repository';
import { applyAnswer } from './fulfilment';
import { LifecycleRecords } from './records-port';
import type { LifecycleRequest, RequestOrigin, RequestStatus, RequestStep, RequestType, RequestView } from './request';
import { DEADLINE_WORKING_DAYS, REVOCATION_CASES, RevocationCaseName } from './request-kinds';
import { actorOf, auditView, toRequestView } from './request-mapping';
import { RequestPatch, RequestsRepository } from './requests.repository';
import { CreateRequestInput, resolveSubject, subjectFacts } from './request-subject';
import { mayTakeStep, nextStatus, WorkflowAction } from './workflow';
import { WorkingCalendar } from './working-days';

export interface StepOptions {
  note?: string;
  /** approve: PIN of the approving head's own certificate, to sign the letter; used once, never stored. */
  pin?: string;
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
    private readonly requests: RequestsRepository,
    private readonly tx: Transactions,
    private readonly pinLocks: PinLocksRepository,
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
    opts: { requestId?: string | null; origin?: RequestOrigin; changeEventId?: string } = {},
  ): Promise<RequestView> {
    // Joins the caller's transaction when there is one (drafts of a personnel or organisation change).
    return this.tx.run(async () => {
      const now = this.clock.now();
      const subject = await resolveSubject(this.requests, this.records, input, now);
      const managingOrganizationId = await this.ownership.managingOrganizationOf(subject.organizationId);
      this.requireRole(caller, 'create', managingOrganizationId);
      const r = await this.requests.insert({
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
      });
      await this.recordStep(r, 'create', null, 'draft', caller, null, opts.requestId ?? null);
      await this.audit.append({
        actor: actorOf(caller),
        action: 'request.created',
        entityType: 'request',
        entityId: r.id,
        after: auditView(r),
        requestId: opts.requestId ?? null,
      });
      return this.view(r);
    });
  }

  async get(id: string): Promise<RequestView> {
    const r = await this.requests.findById(id);
    if (!r) throw notFound('REQUEST_NOT_FOUND', `No request ${id}`);
    return this.view(r);
  }

  /** Lists what the caller's organisations manage (all for admins and services). */
  async list(caller: Caller, f: RequestFilter): Promise<RequestView[]> {
    const visible = await this.ownership.visibleTo(caller);
    if (visible && !visible.organizationIds.length && !visible.officialId) return [];
    const rows = await this.requests.list({ ...f, visibleTo: visible, now: this.clock.now() });
    return this.views(rows);
  }

  /** Takes a step; a refused one (a role not allowed, a certificate the CA answered that is not trusted...) is audited. */
  step(id: string, step: RequestStep, caller: Caller, opts: StepOptions = {}): Promise<RequestView> {
    const refused = { action: `request.${step}_refused`, entityType: 'request', entityId: id };
    return auditRefusals(this.audit, { actor: actorOf(caller), requestId: opts.requestId ?? null }, refused, () =>
      this.stepChecked(id, step, caller, opts),
    );
  }

  private stepChecked(id: string, step: RequestStep, caller: Caller, opts: StepOptions): Promise<RequestView> {
    return this.tx.run(async () => {
      let r = await this.requests.lock(id);
      if (!r) throw notFound('REQUEST_NOT_FOUND', `No request ${id}`);
      this.requireRole(caller, step, r.managingOrganizationId);
      const to = nextStatus(r.status, step);
      if (!to)
        throw conflict(
          'ILLEGAL_TRANSITION',
          `A ${r.status} request cannot be ${step === 'fulfil' ? 'fulfilled' : `${step}${step.endsWith('e') ? 'd' : 'ed'}`}`,
        );
      const now = this.clock.now();
      const rid = opts.requestId ?? null;
      const patch: RequestPatch = { status: to };
      // Approving is signing the letter: signed first, recorded together, or neither.
      const letter = step === 'approve' ? await this.letters.sign(r, caller, opts.pin, now) : undefined;

      if (step === 'submit') patch.suspendedCertificate = await this.blockAtOnce(r, caller, rid);
      if ((step === 'reject' || step === 'cancel') && r.suspendedCertificate) await this.unblock(r, caller, rid);
      if (step === 'send') patch.dueAt = this.calendar.deadline(now, DEADLINE_WORKING_DAYS[r.type]);
      if (step === 'fulfil') {
        const answer = importAnswer(r, opts.answer ?? {}, now);
        patch.result = await applyAnswer(this.fulfilmentContext(caller, rid, now, opts.signingPin), r, answer);
      }
      r = await this.save(r, patch, step, caller, opts.note ?? null, rid);
      if (letter) await this.letters.store(letter);
      if (step === 'send') {
        const answer = await this.connector.onSent(r, await subjectFacts(this.requests, this.records, r));
        if (answer) {
          const robot = connectorActor(this.connector.kind);
          const result = await applyAnswer(this.fulfilmentContext(robot, rid, now, opts.signingPin), r, answer);
          r = await this.save(r, { status: 'fulfilled', result }, 'fulfil', robot, 'Dev CA fulfilled at once', rid);
        }
      }
      return this.view(r);
    });
  }

  /** (Re)signs the letter of an approved or sent request: the head of the managing agency, as for approval. */
  async signLetter(id: string, caller: Caller, pin: string, requestId?: string | null): Promise<RequestView> {
    return this.tx.run(async () => {
      const r = await this.requests.lock(id);
      if (!r) throw notFound('REQUEST_NOT_FOUND', `No request ${id}`);
      this.requireRole(caller, 'approve', r.managingOrganizationId);
      if (r.status !== 'approved' && r.status !== 'sent')
        throw conflict('ILLEGAL_TRANSITION', `Only an approved request has a letter; this one is ${r.status}`);
      await this.letters.store(await this.letters.sign(r, caller, pin, this.clock.now()));
      await this.audit.append({
        actor: actorOf(caller),
        action: 'request.letter_signed',
        entityType: 'request',
        entityId: r.id,
        requestId: requestId ?? null,
      });
      return this.view(r);
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

  private fulfilmentContext(caller: Caller, requestId: string | null, now: Date, signingPin?: string) {
    return {
      records: this.records,
      pinLocks: this.pinLocks,
      audit: this.audit,
      pins: this.pins,
      actor: actorOf(caller),
      requestId,
      now,
      signingPin,
    };
  }

  /** R10: a revocation for (suspected) key exposure or loss suspends the certificate at submission. */
  private async blockAtOnce(r: LifecycleRequest, caller: Caller, requestId: string | null): Promise<boolean> {
    if (r.type !== 'revoke' || !r.certificateId || !REVOCATION_CASES[r.reason as RevocationCaseName]?.blocksAtOnce)
      return false;
    const c = await this.records.certificate(r.certificateId, true);
    if (!c || c.status !== 'active') return false;
    await this.records.setCertificateStatus(c.id, 'suspended', { actor: actorOf(caller), requestId });
    return true;
  }

  /**
   * A rejected or cancelled revocation gives back what submission suspended, unless another open
   * revocation of the same certificate also blocks signing at once (a loss and a compromise
   * reported together): that one then holds the suspension and gives it back when it ends.
   */
  private async unblock(r: LifecycleRequest, caller: Caller, requestId: string | null): Promise<void> {
    const c = r.certificateId ? await this.records.certificate(r.certificateId, true) : undefined;
    if (!c || c.status !== 'suspended') return;
    const blocking = Object.entries(REVOCATION_CASES)
      .filter(([, k]) => k.blocksAtOnce)
      .map(([name]) => name);
    const heir = await this.requests.openRevocationOf(c.id, r.id, blocking);
    if (heir) {
      await this.requests.markSuspendedCertificate(heir);
      await this.audit.append({
        actor: actorOf(caller),
        action: 'request.suspension_transferred',
        entityType: 'request',
        entityId: heir,
        before: { suspendedCertificate: false },
        after: { suspendedCertificate: true, from: r.id },
        requestId,
      });
      return;
    }
    await this.records.setCertificateStatus(c.id, 'active', { actor: actorOf(caller), requestId });
  }

  private async save(
    r: LifecycleRequest,
    patch: RequestPatch,
    step: RequestStep,
    caller: Caller,
    note: string | null,
    requestId: string | null,
  ): Promise<LifecycleRequest> {
    const after = await this.requests.update(r.id, patch);
    await this.recordStep(after, step, r.status, after.status, caller, note, requestId);
    const action = {
      submit: 'submitted',
      approve: 'approved',
      reject: 'rejected',
      send: 'sent',
      fulfil: 'fulfilled',
      cancel: 'cancelled',
    }[step];
    await this.audit.append({
      actor: actorOf(caller),
      action: `request.${action}`,
      entityType: 'request',
      entityId: r.id,
      before: auditView(r),
      after: auditView(after),
      requestId,
    });
    return after;
  }

  private async recordStep(
    r: LifecycleRequest,
    step: RequestStep | 'create',
    from: RequestStatus | null,
    to: RequestStatus,
    caller: Caller,
    note: string | null,
    _requestId: string | null,
  ): Promise<void> {
    await this.requests.insertStep({
      requestId: r.id,
      step,
      fromStatus: from,
      toStatus: to,
      actor: actorOf(caller),
      note,
      at: this.clock.now(),
    });
  }

  private async view(r: LifecycleRequest): Promise<RequestView> {
    return (await this.views([r]))[0];
  }

  private async views(rs: LifecycleRequest[]): Promise<RequestView[]> {
    if (rs.length === 0) return [];
    const { steps, withLetter } = await this.requests.stepsAndLetters(rs.map((r) => r.id));
    const now = this.clock.now();
    return rs.map((r) => toRequestView(r, steps.get(r.id) ?? [], withLetter.has(r.id), now));
  }
}
