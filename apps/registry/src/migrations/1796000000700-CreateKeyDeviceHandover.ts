import { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per move of a key device: who handed it, who received it, when, from which state to which. */
export class CreateKeyDeviceHandover1796000000700 implements MigrationInterface {
  name = 'CreateKeyDeviceHandover1796000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.key_device_handover (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        device_id uuid NOT NULL REFERENCES registry.key_device (id) ON DELETE RESTRICT,
        from_state text NOT NULL,
        to_state text NOT NULL,
        holder_official_id uuid NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        handed_by_official_id uuid NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        handed_by_name text NOT NULL,
        received_by_official_id uuid NULL REFERENCES registry.official (id) ON DELETE RESTRICT,
        received_by_name text NOT NULL,
        at timestamptz NOT NULL,
        note text NULL,
        recorded_by jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX key_device_handover_device_id_idx ON registry.key_device_handover (device_id, at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.key_device_handover');
  }
}
