import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DocumentReport } from '@kyso/pki';
import type { InboundOutcome } from './inbound/inbound-result';

export type ValidationStatus = 'pending' | 'done' | 'failed';
export type ValidationKind = 'pdf' | 'cms' | 'inbound';

/** One submitted document and, once validated, its report. The bytes are dropped after validation. */
@Entity({ name: 'validation' })
export class ValidationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  status: ValidationStatus;

  @Column({ type: 'bytea', nullable: true, select: false })
  document: Buffer | null;

  @Column({ name: 'document_sha256', type: 'text' })
  documentSha256: string;

  @Column({ type: 'jsonb', nullable: true })
  report: DocumentReport | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  /** The organisations the submitting caller acted for (see validation-owner.ts). */
  @Column({ name: 'organization_ids', type: 'uuid', array: true, default: () => "'{}'" })
  organizationIds: string[];

  @Column({ name: 'caller_kind', type: 'text', nullable: true })
  callerKind: 'system' | 'operator' | 'service' | null;

  @Column({ name: 'caller_id', type: 'text', nullable: true })
  callerId: string | null;

  @Column({ type: 'text', default: 'pdf' })
  kind: ValidationKind;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName: string | null;

  @Column({ name: 'caller_name', type: 'text', nullable: true })
  callerName: string | null;

  /** The report's conclusion, accepted/rejected for an inbound check, FAILED: what the history filters on. */
  @Column({ type: 'text', nullable: true })
  result: string | null;

  /** An inbound check's decision, documents and notice (kind inbound only). */
  @Column({ type: 'jsonb', nullable: true })
  inbound: InboundOutcome | null;
  /** Where the result goes when the validation ends (webhook), for the system `callerId`. */
  @Column({ name: 'callback_url', type: 'text', nullable: true })
  callbackUrl: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
