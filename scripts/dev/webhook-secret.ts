import { SystemClock } from '@kyso/common';
import { ApiKeyEntity } from '../../apps/gateway/src/api-key.entity';
import { apiKeyPrefix } from '../../apps/gateway/src/api-keys';
import { TypeOrmApiKeysRepository } from '../../apps/gateway/src/api-keys.repository';
import { gatewayDataSource } from '../../apps/gateway/src/data-source';
import { ApiKeyAdmin } from '../../apps/gateway/src/identity/api-key-admin';
import { secretBoxFromEnv } from '../../apps/gateway/src/webhooks/secret-box';

/** A webhook secret for the key `apiKey` (a demo key made before webhooks), sealed with KYSO_WEBHOOK_SECRET_KEY. */
export async function giveWebhookSecret(databaseUrl: string, apiKey: string): Promise<string> {
  const box = secretBoxFromEnv();
  if (!box) throw new Error('KYSO_WEBHOOK_SECRET_KEY must be set');
  const ds = gatewayDataSource(databaseUrl);
  await ds.initialize();
  try {
    const repo = new TypeOrmApiKeysRepository(ds.getRepository(ApiKeyEntity));
    const row = await repo.findByPrefix(apiKeyPrefix(apiKey) ?? '');
    if (!row) throw new Error('the demo API key is not in the database');
    return (await new ApiKeyAdmin(repo, new SystemClock(), box).rotateWebhookSecret(row.id)).webhookSecret;
  } finally {
    await ds.destroy();
  }
}
