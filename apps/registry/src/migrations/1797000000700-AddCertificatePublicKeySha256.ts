import { Certificate } from '@kyso/pki';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { publicKeySha256 } from '../certificates/key-binding';

/** The public key's hash, so a key registered for one subject is refused for another (certificates/key-binding.ts). */
export class AddCertificatePublicKeySha2561797000000700 implements MigrationInterface {
  name = 'AddCertificatePublicKeySha2561797000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE registry.certificate ADD COLUMN public_key_sha256 text NULL');
    await q.query(
      `ALTER TABLE registry.certificate ADD CONSTRAINT certificate_public_key_sha256_format CHECK (public_key_sha256 ~ '^[0-9A-F]{64}$')`,
    );
    // Backfill in pages by id, so a large table is never loaded at once.
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: { id: string; certificate_der: Buffer }[] = await q.query(
        'SELECT id, certificate_der FROM registry.certificate WHERE id > $1 ORDER BY id LIMIT 500',
        [after],
      );
      if (!rows.length) break;
      for (const r of rows) {
        await q.query('UPDATE registry.certificate SET public_key_sha256 = $2 WHERE id = $1', [
          r.id,
          publicKeySha256(Certificate.fromDer(new Uint8Array(r.certificate_der))),
        ]);
      }
      after = rows[rows.length - 1].id;
    }
    await q.query('CREATE INDEX certificate_public_key_sha256_idx ON registry.certificate (public_key_sha256)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX registry.certificate_public_key_sha256_idx');
    await q.query('ALTER TABLE registry.certificate DROP COLUMN public_key_sha256');
  }
}
