import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One signing attempt, signed or refused. Never holds the PIN or the document itself. */
@Entity({ name: 'signature_events' })
export class SignatureEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'certificate_id', type: 'text' })
  certificateId: string;

  @Column({ name: 'certificate_serial', type: 'text', nullable: true })
  certificateSerial: string | null;

  @Column({ name: 'acting_official_id', type: 'text' })
  actingOfficialId: string;

  @Column({ name: 'document_sha256', type: 'char', length: 64 })
  documentSha256: string;

  @Column({ name: 'signed_document_sha256', type: 'char', length: 64, nullable: true })
  signedDocumentSha256: string | null;

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt: Date;

  @Column({ type: 'text' })
  outcome: 'signed' | 'refused';

  @Column({ name: 'refusal_code', type: 'text', nullable: true })
  refusalCode: string | null;

  /** The finer reason of a refusal, e.g. the registry's WRONG_PIN under SIGNING_NOT_ALLOWED. */
  @Column({ name: 'refusal_reason', type: 'text', nullable: true })
  refusalReason: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** Who asked, as the gateway forwarded it (API key, operator or service). */
  @Column({ name: 'caller_kind', type: 'text' })
  callerKind: string;

  @Column({ name: 'caller_id', type: 'text' })
  callerId: string;

  @Column({ name: 'caller_name', type: 'text' })
  callerName: string;

  @Column({ type: 'text', nullable: true })
  level: string | null;

  /** The reason given for signing. */
  @Column({ type: 'text', nullable: true })
  purpose: string | null;

  @Column({ name: 'timestamp_time', type: 'timestamptz', nullable: true })
  timestampTime: Date | null;

  @Column({ name: 'signing_session_id', type: 'uuid', nullable: true })
  signingSessionId: string | null;

  /** Set once the registry has recorded the event in its audit (outbox). */
  @Column({ name: 'forwarded_at', type: 'timestamptz', nullable: true })
  forwardedAt: Date | null;
}
