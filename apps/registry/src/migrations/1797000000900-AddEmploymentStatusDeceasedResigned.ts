import { MigrationInterface, QueryRunner } from 'typeorm';

/** A death is recorded as death and a resignation as a resignation, not as a dismissal (issue 11). */
export class AddEmploymentStatusDeceasedResigned1797000000900 implements MigrationInterface {
  name = 'AddEmploymentStatusDeceasedResigned1797000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE registry.official DROP CONSTRAINT official_employment_status_check');
    await q.query(`ALTER TABLE registry.official ADD CONSTRAINT official_employment_status_check
      CHECK (employment_status IN ('active', 'suspended', 'transferred', 'retired', 'resigned', 'dismissed', 'deceased'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      "UPDATE registry.official SET employment_status = 'dismissed' WHERE employment_status IN ('resigned', 'deceased')",
    );
    await q.query('ALTER TABLE registry.official DROP CONSTRAINT official_employment_status_check');
    await q.query(`ALTER TABLE registry.official ADD CONSTRAINT official_employment_status_check
      CHECK (employment_status IN ('active', 'suspended', 'transferred', 'retired', 'dismissed'))`);
  }
}
