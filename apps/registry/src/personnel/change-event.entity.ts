import type { AuditActor } from '../audit/audit-log';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ schema: 'registry', name: 'change_event' })
export class ChangeEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') category: 'personnel' | 'organization';
  @Column('text') kind: string;
  @Column({ name: 'official_id', type: 'uuid', nullable: true }) officialId: string | null;
  @Column({ name: 'organization_ids', type: 'uuid', array: true }) organizationIds: string[];
  @Column({ name: 'new_organization_id', type: 'uuid', nullable: true }) newOrganizationId: string | null;
  @Column({ name: 'effective_date', type: 'date' }) effectiveDate: string;
  @Column({ type: 'jsonb' }) details: Record<string, unknown>;
  @Column({ name: 'recorded_by', type: 'jsonb' }) recordedBy: AuditActor;
  /** `scheduled` until its effective date (then `applied` by the delayed job) unless `cancelled` first. */
  @Column('text') status: ChangeEventStatus;
  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true }) appliedAt: Date | null;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ name: 'cancelled_by', type: 'jsonb', nullable: true }) cancelledBy: AuditActor | null;
  @Column({ name: 'managing_organization_ids', type: 'uuid', array: true }) managingOrganizationIds: string[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export type ChangeEventStatus = 'scheduled' | 'applied' | 'cancelled';

@Entity({ schema: 'registry', name: 'notification' })
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column('text') audience: string;
  @Column('text') kind: string;
  @Column('text') message: string;
  @Column({ name: 'change_event_id', type: 'uuid', nullable: true }) changeEventId: string | null;
  @Column({ name: 'request_ids', type: 'uuid', array: true }) requestIds: string[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
