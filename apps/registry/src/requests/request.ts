import type { AuditActor } from '../audit/audit-log';

/** Lifecycle requests of Decree 68 (R6): what the managing agency asks the CA to do. */
export const REQUEST_TYPES = [
  'issue',
  'renew',
  'change',
  'revoke',
  'reissue',
  'recover-device',
  'return-device',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUEST_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'sent',
  'fulfilled',
  'rejected',
  'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_STEPS = ['submit', 'approve', 'reject', 'send', 'fulfil', 'cancel'] as const;
export type RequestStep = (typeof REQUEST_STEPS)[number];

/** Where a request came from: an operator, or a personnel / organisation change raising drafts. */
export type RequestOrigin = 'manual' | 'personnel-change' | 'organization-change';

export interface LifecycleRequest {
  id: string;
  type: RequestType;
  status: RequestStatus;
  certificateId: string | null;
  officialId: string | null;
  deviceId: string | null;
  /** The subject's organisation, and its directly managing agency (nearest legal-entity ancestor-or-self). */
  organizationId: string;
  managingOrganizationId: string;
  /** Revoke: the Art 17 case; change: the Art 15 case; otherwise free text. */
  reason: string | null;
  /** Revoke: the RFC 5280 CRLReason the case maps to. */
  crlReason: string | null;
  details: Record<string, unknown>;
  origin: RequestOrigin;
  changeEventId: string | null;
  /** Set when sent: the CA's deadline in working days. */
  dueAt: Date | null;
  /** Outcome of fulfilment, e.g. the new certificate's id. */
  result: Record<string, unknown> | null;
  /** Certificate suspended locally at submission (R10), to restore on reject/cancel. */
  suspendedCertificate: boolean;
  createdBy: AuditActor;
  createdAt: Date;
  updatedAt: Date;
}

export interface RequestStepRecord {
  fromStatus: RequestStatus | null;
  toStatus: RequestStatus;
  step: RequestStep | 'create';
  actor: AuditActor;
  note: string | null;
  at: Date;
}

/** What callers see: the request, who did each step, and whether it is past its deadline. */
export interface RequestView extends Omit<LifecycleRequest, 'dueAt' | 'createdAt' | 'updatedAt'> {
  dueAt: string | null;
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
  steps: (Omit<RequestStepRecord, 'at'> & { at: string })[];
  hasLetter: boolean;
}
