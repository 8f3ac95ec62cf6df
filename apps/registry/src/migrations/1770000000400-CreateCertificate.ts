import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCertificate1770000000400 implements MigrationInterface {
  name = 'CreateCertificate1770000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.certificate (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        serial_number text NOT NULL,
        issuer text NOT NULL,
        subject text NOT NULL,
        subject_type text NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'active',
        revocation_reason text NULL,
        revoked_at timestamptz NULL,
        holder_official_id uuid NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        organization_id uuid NOT NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        device_id uuid NULL REFERENCES registry.key_device (id) ON DELETE RESTRICT,
        key_uri text NOT NULL,
        certificate_der bytea NOT NULL,
        chain_der bytea[] NOT NULL DEFAULT '{}',
        sha256 text NOT NULL,
        signing_pin_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT certificate_sha256_key UNIQUE (sha256),
        CONSTRAINT certificate_sha256_format CHECK (sha256 ~ '^[0-9A-F]{64}$'),
        CONSTRAINT certificate_subject_type_check CHECK (subject_type IN ('person', 'organization', 'device')),
        CONSTRAINT certificate_status_check CHECK (status IN ('active', 'suspended', 'revoked', 'expired')),
        CONSTRAINT certificate_person_has_holder CHECK (subject_type <> 'person' OR holder_official_id IS NOT NULL),
        CONSTRAINT certificate_revoked_has_time CHECK (status <> 'revoked' OR revoked_at IS NOT NULL),
        CONSTRAINT certificate_validity_order CHECK (not_before <= not_after),
        CONSTRAINT certificate_pin_hash_format CHECK (signing_pin_hash LIKE 'scrypt$%')
      )`);
    await q.query('CREATE INDEX certificate_holder_official_id_idx ON registry.certificate (holder_official_id)');
    await q.query('CREATE INDEX certificate_organization_id_idx ON registry.certificate (organization_id)');
    await q.query('CREATE INDEX certificate_device_id_idx ON registry.certificate (device_id)');
    await q.query('CREATE INDEX certificate_issuer_serial_idx ON registry.certificate (issuer, serial_number)');
    await q.query('CREATE INDEX certificate_not_after_idx ON registry.certificate (not_after)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.certificate');
  }
}
