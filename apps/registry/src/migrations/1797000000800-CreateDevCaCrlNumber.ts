import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dev CA's last CRL number (RFC 5280 §5.2.3: it increases monotonically for each CRL). A stored
 * counter, so two CRLs in one second, a restart or a clock set back never repeat or lower it.
 */
export class CreateDevCaCrlNumber1797000000800 implements MigrationInterface {
  name = 'CreateDevCaCrlNumber1797000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.dev_ca_crl_number (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        last_number bigint NOT NULL
      )`);
    // Earlier CRLs were numbered by epoch seconds: start above them.
    await q.query(
      'INSERT INTO registry.dev_ca_crl_number (last_number) VALUES (floor(extract(epoch from clock_timestamp()))::bigint)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.dev_ca_crl_number');
  }
}
