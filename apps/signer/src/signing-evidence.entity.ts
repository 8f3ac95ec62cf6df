import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The evidence kept with a signature or an extension (R18): SHA-256 (hex) of DER items in signer.evidence_item. */
@Entity({ name: 'signing_evidence' })
export class SigningEvidenceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'signature_event_id', type: 'uuid', nullable: true })
  signatureEventId: string | null;

  @Column({ type: 'text' })
  operation: 'sign' | 'extend';

  @Column({ type: 'text' })
  level: string;

  @Column({ name: 'document_sha256', type: 'char', length: 64 })
  documentSha256: string;

  @Column({ name: 'result_sha256', type: 'char', length: 64 })
  resultSha256: string;

  @Column({ name: 'timestamp_time', type: 'timestamptz', nullable: true })
  timestampTime: Date | null;

  @Column({ type: 'jsonb' })
  certificates: string[];

  @Column({ type: 'jsonb' })
  crls: string[];

  @Column({ type: 'jsonb' })
  ocsps: string[];

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;
}
