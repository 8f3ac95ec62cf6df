import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ schema: 'registry', name: 'official' })
export class OfficialEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName: string;

  @Column('text')
  email: string;

  @Column('text')
  title: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'employment_status', type: 'text', default: 'active' })
  employmentStatus: string;

  @Column({ type: 'text', array: true })
  roles: string[];

  /** AES-256-GCM, see NationalIdCipher; never selected into logs or responses. */
  @Column({ name: 'national_id_encrypted', type: 'bytea', nullable: true })
  nationalIdEncrypted: Buffer | null;

  @Column({ name: 'national_id_index', type: 'text', nullable: true })
  nationalIdIndex: string | null;

  @Column({ name: 'national_id_kind', type: 'text', nullable: true })
  nationalIdKind: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
