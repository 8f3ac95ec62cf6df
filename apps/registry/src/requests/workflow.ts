import type { Caller, Role } from '@kyso/common';
import type { RequestStatus, RequestStep } from './request';

/** The workflow of Decree 68: draft → submitted → approved → sent → fulfilled, or rejected / cancelled. */
const TRANSITIONS: Record<RequestStep, { from: readonly RequestStatus[]; to: RequestStatus }> = {
  submit: { from: ['draft'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  send: { from: ['approved'], to: 'sent' },
  fulfil: { from: ['sent'], to: 'fulfilled' },
  cancel: { from: ['draft', 'submitted', 'approved'], to: 'cancelled' },
};

/** The status a step leads to from `status`, or undefined when the transition is illegal. */
export function nextStatus(status: RequestStatus, step: RequestStep): RequestStatus | undefined {
  const t = TRANSITIONS[step];
  return t.from.includes(status) ? t.to : undefined;
}

export type WorkflowAction = RequestStep | 'create';

/**
 * Who may take each step, per the decree: the IT officer prepares and submits, the head of the
 * directly managing agency approves or rejects, the IT officer or the records clerk sends, and the
 * IT officer records the CA's answer. A province-wide admin may do the clerical steps but never
 * approves in an agency's name. Roles count in the request's managing organisation only.
 */
export const STEP_ROLES: Record<WorkflowAction, readonly Role[]> = {
  create: ['it-officer', 'admin'],
  submit: ['it-officer', 'admin'],
  cancel: ['it-officer', 'admin'],
  approve: ['agency-head'],
  reject: ['agency-head'],
  send: ['it-officer', 'clerk', 'admin'],
  fulfil: ['it-officer', 'admin'],
};

/**
 * Systems may only raise drafts (e.g. an HR system reporting a retirement), with `registry:write`
 * for an organisation they serve; services (the registry's own connector, the quickstart) act freely.
 */
export function mayTakeStep(caller: Caller, action: WorkflowAction, managingOrganizationId: string): boolean {
  if (caller.kind === 'service') return true;
  if (caller.kind === 'system') {
    return (
      action === 'create' &&
      caller.scopes.includes('registry:write') &&
      caller.organizationIds.includes(managingOrganizationId)
    );
  }
  return caller.roles.some(
    (g) =>
      STEP_ROLES[action].includes(g.role) &&
      (g.role === 'admin' ? g.organizationId === null : g.organizationId === managingOrganizationId),
  );
}
