import type { Caller } from '@kyso/common';
import type { AuditActor } from '../audit/audit-log';
import type {
  LifecycleRequest,
  RequestOrigin,
  RequestStatus,
  RequestStepRecord,
  RequestType,
  RequestView,
} from './request';
import type { LifecycleRequestEntity, LifecycleRequestStepEntity } from './request.entity';

/** Who acted, for the audit log and the request's steps: never scopes or roles. */
export const actorOf = (c: Caller): AuditActor => ({ kind: c.kind, id: c.id, name: c.name });

export const toRequest = (e: LifecycleRequestEntity): LifecycleRequest => ({
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

export const toStep = (s: LifecycleRequestStepEntity): RequestStepRecord => ({
  step: s.step as RequestStepRecord['step'],
  fromStatus: s.fromStatus as RequestStatus | null,
  toStatus: s.toStatus as RequestStatus,
  actor: s.actor,
  note: s.note,
  at: s.at,
});

/** Past its deadline: sent to the CA and not answered by the due date. */
export const isOverdue = (r: Pick<LifecycleRequest, 'status' | 'dueAt'>, now: Date): boolean =>
  r.status === 'sent' && r.dueAt !== null && now.getTime() > r.dueAt.getTime();

export function toRequestView(
  r: LifecycleRequest,
  steps: RequestStepRecord[],
  hasLetter: boolean,
  now: Date,
): RequestView {
  return {
    ...r,
    dueAt: r.dueAt?.toISOString() ?? null,
    overdue: isOverdue(r, now),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    steps: steps.map((s) => ({ ...s, at: s.at.toISOString() })),
    hasLetter,
  };
}

/** The audited snapshot of a request (no details: they may be long; the id leads to them). */
export const auditView = (r: LifecycleRequest) => ({
  type: r.type,
  status: r.status,
  certificateId: r.certificateId,
  officialId: r.officialId,
  deviceId: r.deviceId,
  organizationId: r.organizationId,
  reason: r.reason,
  dueAt: r.dueAt?.toISOString() ?? null,
  result: r.result,
});
