import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'registry', name: 'request_letter' })
export class RequestLetterEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' }) requestId: string;
  @Column({ type: 'bytea' }) pdf: Buffer;
  @Column({ name: 'signed_by_official_id', type: 'uuid' }) signedByOfficialId: string;
  @Column({ name: 'certificate_id', type: 'uuid' }) certificateId: string;
  @Column({ name: 'signature_id', type: 'text', nullable: true }) signatureId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
