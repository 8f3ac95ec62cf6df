import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'registry', name: 'certificate_pin_lock' })
export class CertificatePinLockEntity {
  @PrimaryColumn({ name: 'certificate_id', type: 'uuid' }) certificateId: string;
  @Column('integer') failures: number;
  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true }) lockedAt: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
