import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A key's webhook secret, sealed (AES-256-GCM under KYSO_WEBHOOK_SECRET_KEY): the gateway must sign
 * with it, so a hash would not do. Keys made before have none until it is rotated.
 */
export class AddApiKeyWebhookSecret1799040000000 implements MigrationInterface {
  name = 'AddApiKeyWebhookSecret1799040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.api_key ADD COLUMN webhook_secret text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.api_key DROP COLUMN webhook_secret');
  }
}
