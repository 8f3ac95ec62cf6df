import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ schema: 'registry', name: 'certificate' })
export class CertificateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'serial_number', type: 'text' })
  serialNumber: string;

  @Column('text')
  issuer: string;

  @Column('text')
  subject: string;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter: Date;

  @Column('text')
  status: string;

  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'holder_official_id', type: 'uuid', nullable: true })
  holderOfficialId: string | null;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'device_id', type: 'uuid', nullable: true })
  deviceId: string | null;

  @Column({ name: 'key_uri', type: 'text' })
  keyUri: string;

  @Column({ name: 'certificate_der', type: 'bytea' })
  certificateDer: Buffer;

  @Column({ name: 'chain_der', type: 'bytea', array: true })
  chainDer: Buffer[];

  @Column('text')
  sha256: string;

  /** SHA-256 of the public key (certificates/key-binding.ts); null only for rows a migration could not read. */
  @Column({ name: 'public_key_sha256', type: 'text', nullable: true })
  publicKeySha256: string | null;

  @Column({ name: 'signing_pin_hash', type: 'text' })
  signingPinHash: string;

  @Column({ name: 'renewal_of_id', type: 'uuid', nullable: true })
  renewalOfId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
