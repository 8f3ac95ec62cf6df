import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLifecycleRequest1797000000000 implements MigrationInterface {
  name = 'CreateLifecycleRequest1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.lifecycle_request (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        status text NOT NULL DEFAULT 'draft',
        certificate_id uuid NULL REFERENCES registry.certificate (id) ON DELETE RESTRICT,
        official_id uuid NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        device_id uuid NULL REFERENCES registry.key_device (id) ON DELETE RESTRICT,
        organization_id uuid NOT NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        managing_organization_id uuid NOT NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        reason text NULL,
        crl_reason text NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        origin text NOT NULL DEFAULT 'manual',
        change_event_id uuid NULL,
        due_at timestamptz NULL,
        result jsonb NULL,
        suspended_certificate boolean NOT NULL DEFAULT false,
        created_by jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lifecycle_request_type_check
          CHECK (type IN ('issue', 'renew', 'change', 'revoke', 'reissue', 'recover-device', 'return-device')),
        CONSTRAINT lifecycle_request_status_check
          CHECK (status IN ('draft', 'submitted', 'approved', 'sent', 'fulfilled', 'rejected', 'cancelled')),
        CONSTRAINT lifecycle_request_origin_check CHECK (origin IN ('manual', 'personnel-change', 'organization-change')),
        CONSTRAINT lifecycle_request_sent_has_due CHECK (status NOT IN ('sent', 'fulfilled') OR due_at IS NOT NULL)
      )`);
    await q.query('CREATE INDEX lifecycle_request_status_idx ON registry.lifecycle_request (status)');
    await q.query(
      'CREATE INDEX lifecycle_request_managing_org_idx ON registry.lifecycle_request (managing_organization_id)',
    );
    await q.query('CREATE INDEX lifecycle_request_certificate_idx ON registry.lifecycle_request (certificate_id)');
    await q.query('CREATE INDEX lifecycle_request_change_event_idx ON registry.lifecycle_request (change_event_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.lifecycle_request');
  }
}
