import type { Caller } from '@kyso/common';
import type { AuditActor } from '../audit/audit-log';
import type { LifecycleRequest, RequestStepRecord, RequestView } from './request';

/** Who acted, for the audit log and the request's steps: never scopes or roles. */
export const actorOf = (c: Caller): AuditActor => ({ kind: c.kind, id: c.id, name: c.name });

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
