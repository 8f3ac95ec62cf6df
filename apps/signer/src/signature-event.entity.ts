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
}
