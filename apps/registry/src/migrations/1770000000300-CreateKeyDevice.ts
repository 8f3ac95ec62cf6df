import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateKeyDevice1770000000300 implements MigrationInterface {
  name = 'CreateKeyDevice1770000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.key_device (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        serial_number text NOT NULL,
        model text NOT NULL,
        organization_id uuid NOT NULL REFERENCES registry.organization (id) ON DELETE RESTRICT,
        holder_official_id uuid NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        state text NOT NULL DEFAULT 'in-stock',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT key_device_serial_number_key UNIQUE (serial_number),
        CONSTRAINT key_device_state_check
          CHECK (state IN ('in-stock', 'issued', 'returned', 'lost', 'locked', 'destroyed')),
        CONSTRAINT key_device_issued_has_holder CHECK (state <> 'issued' OR holder_official_id IS NOT NULL)
      )`);
    await q.query('CREATE INDEX key_device_organization_id_idx ON registry.key_device (organization_id)');
    await q.query('CREATE INDEX key_device_holder_official_id_idx ON registry.key_device (holder_official_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.key_device');
  }
}
