import { MigrationInterface, QueryRunner } from 'typeorm';

/** A renewal names the certificate it renews: the decree limits how far a renewal may extend it. */
export class AddCertificateRenewalOf1796000000800 implements MigrationInterface {
  name = 'AddCertificateRenewalOf1796000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE registry.certificate
        ADD COLUMN renewal_of_id uuid NULL REFERENCES registry.certificate (id) ON DELETE RESTRICT,
        ADD CONSTRAINT certificate_not_own_renewal CHECK (renewal_of_id IS NULL OR renewal_of_id <> id)`);
    await q.query('CREATE INDEX certificate_renewal_of_id_idx ON registry.certificate (renewal_of_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX registry.certificate_renewal_of_id_idx');
    await q.query(
      'ALTER TABLE registry.certificate DROP CONSTRAINT certificate_not_own_renewal, DROP COLUMN renewal_of_id',
    );
  }
}
