import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ schema: 'registry', name: 'lifecycle_request' })
export class LifecycleRequestEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') type: string;
  @Column('text') status: string;
  @Column({ name: 'certificate_id', type: 'uuid', nullable: true }) certificateId: string | null;
  @Column({ name: 'official_id', type: 'uuid', nullable: true }) officialId: string | null;
  @Column({ name: 'device_id', type: 'uuid', nullable: true }) deviceId: string | null;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'managing_organization_id', type: 'uuid' }) managingOrganizationId: string;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'crl_reason', type: 'text', nullable: true }) crlReason: string | null;
  @Column({ type: 'jsonb' }) details: Record<string, unknown>;
  @Column('text') origin: string;
  @Column({ name: 'change_event_id', type: 'uuid', nullable: true }) changeEventId: string | null;
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true }) dueAt: Date | null;
  @Column({ type: 'jsonb', nullable: true }) result: Record<string, unknown> | null;
  @Column({ name: 'suspended_certificate', type: 'boolean' }) suspendedCertificate: boolean;
  @Column({ name: 'created_by', type: 'jsonb' }) createdBy: {
    kind: 'system' | 'operator' | 'service';
    id: string;
    name: string;
  };
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity({ schema: 'registry', name: 'lifecycle_request_step' })
export class LifecycleRequestStepEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'request_id', type: 'uuid' }) requestId: string;
  @Column('text') step: string;
  @Column({ name: 'from_status', type: 'text', nullable: true }) fromStatus: string | null;
  @Column({ name: 'to_status', type: 'text' }) toStatus: string;
  @Column({ type: 'jsonb' }) actor: { kind: 'system' | 'operator' | 'service'; id: string; name: string };
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ type: 'timestamptz' }) at: Date;
}
