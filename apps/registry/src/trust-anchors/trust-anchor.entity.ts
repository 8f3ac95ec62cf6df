import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ schema: 'registry', name: 'trust_anchor' })
export class TrustAnchorEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  sha256: string;

  @Column('text')
  subject: string;

  @Column({ name: 'certificate_der', type: 'bytea' })
  certificateDer: Buffer;

  @Column({ type: 'text', default: 'document-signing' })
  purpose: string;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
