import { MigrationInterface, QueryRunner } from 'typeorm';

/** The national ID number only encrypted (AES-256-GCM) plus a keyed blind index (HMAC) for exact lookups. */
export class AddOfficialNationalId1796000000500 implements MigrationInterface {
  name = 'AddOfficialNationalId1796000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE registry.official
        ADD COLUMN national_id_encrypted bytea NULL,
        ADD COLUMN national_id_index text NULL,
        ADD COLUMN national_id_kind text NULL,
        ADD CONSTRAINT official_national_id_complete
          CHECK ((national_id_encrypted IS NULL) = (national_id_index IS NULL) AND (national_id_index IS NULL) = (national_id_kind IS NULL)),
        ADD CONSTRAINT official_national_id_kind_check CHECK (national_id_kind IN ('cccd', 'cmnd'))`);
    await q.query('CREATE INDEX official_national_id_index_idx ON registry.official (national_id_index)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX registry.official_national_id_index_idx');
    await q.query(`
      ALTER TABLE registry.official
        DROP CONSTRAINT official_national_id_kind_check,
        DROP CONSTRAINT official_national_id_complete,
        DROP COLUMN national_id_kind,
        DROP COLUMN national_id_index,
        DROP COLUMN national_id_encrypted`);
  }
}
