import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DocumentReport } from '@kyso/pki';
import type { EvidenceMaterial, NamedMaterial, SignatureEvidence } from './evidence-record';

/** One finished validation's evidence; sealed once the registry's audit chain holds its hash. */
@Entity({ name: 'validation_evidence' })
export class EvidenceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'validation_id', type: 'uuid' })
  validationId: string;

  @Column({ name: 'document_sha256', type: 'text' })
  documentSha256: string;

  @Column({ name: 'validated_at', type: 'timestamptz' })
  validatedAt: Date;

  @Column({ type: 'jsonb' })
  signatures: SignatureEvidence[];

  /** Inline (format 1) or naming the DERs of verifier.evidence_der (format 2). */
  @Column({ type: 'jsonb' })
  material: EvidenceMaterial | NamedMaterial;

  @Column({ type: 'jsonb' })
  report: DocumentReport;

  @Column({ name: 'record_sha256', type: 'text' })
  recordSha256: string;

  @Column({ name: 'audit_seq', type: 'text', nullable: true })
  auditSeq: string | null;

  @Column({ name: 'audit_hash', type: 'text', nullable: true })
  auditHash: string | null;

  @Column({ name: 'sealed_at', type: 'timestamptz', nullable: true })
  sealedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
