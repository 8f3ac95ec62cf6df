import { MigrationInterface, QueryRunner } from 'typeorm';

/** Role grants: admin is province-wide (no organisation), every other role is held in one organisation. */
export class CreateOperatorRoleTable1795630000004 implements MigrationInterface {
  name = 'CreateOperatorRoleTable1795630000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.operator_role (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        operator_id uuid NOT NULL REFERENCES gateway.operator(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'it-officer', 'agency-head', 'clerk', 'official')),
        organization_id uuid,
        granted_by text,
        granted_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'admin') = (organization_id IS NULL)),
        UNIQUE NULLS NOT DISTINCT (operator_id, role, organization_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.operator_role');
  }
}
