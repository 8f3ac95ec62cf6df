import { MigrationInterface, QueryRunner } from 'typeorm';

/** ES256 keys that sign access tokens; every gateway instance reads them, so a token verifies anywhere. */
export class CreateSigningKeyTable1795630000005 implements MigrationInterface {
  name = 'CreateSigningKeyTable1795630000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.signing_key (
        kid text PRIMARY KEY,
        private_key_pem text NOT NULL,
        public_key_pem text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.signing_key');
  }
}
