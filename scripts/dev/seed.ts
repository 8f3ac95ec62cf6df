import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createApiKey } from '../../apps/gateway/src/api-keys';
import { giveWebhookSecret } from './webhook-secret';
import { InternalClient, serviceUrl, str } from '@kyso/common';
import { Pkcs11KeyStore } from '@kyso/keystore';
import { seedDemo } from './demo';
import { createDemoOperators } from './operators';
import { loadOrCreatePki } from './pki-files';
import { DevCredentials } from './credentials';

/**
 * Quickstart step: the dev PKI (kept in var/dev/pki), keys in the dev token, demo organisations,
 * officials and certificates in the registry, a demo API key, and var/dev/credentials.json.
 * Idempotent: when the registry still knows the demo organisation, nothing is created again.
 */
async function main(): Promise<void> {
  const devDir = str('KYSO_DEV_DIR', 'var/dev');
  const credentialsFile = join(devDir, 'credentials.json');
  const registry = new InternalClient(serviceUrl('registry'), str('KYSO_INTERNAL_TOKEN'));

  if (existsSync(credentialsFile)) {
    const existing = JSON.parse(readFileSync(credentialsFile, 'utf8')) as DevCredentials;
    const known = await registry.request('GET', `/organizations/${existing.demo.organizationId}`);
    if (known.ok) {
      // var/dev made before webhooks: the demo key gets its secret now.
      if (!existing.webhookSecret) {
        existing.webhookSecret = await giveWebhookSecret(str('KYSO_DATABASE_URL'), existing.apiKey);
        writeFileSync(credentialsFile, JSON.stringify(existing, null, 2) + '\n', { mode: 0o600 });
      }
      console.log(`kyso: demo data already present (${relative(process.cwd(), credentialsFile)})`);
      return;
    }
  }

  const pki = await loadOrCreatePki(join(devDir, 'pki'), process.env.KYSO_DEV_CA_PUBLIC_URL);
  const keyStore = await Pkcs11KeyStore.open({
    modulePath: str('KYSO_PKCS11_MODULE', '/usr/lib/softhsm/libsofthsm2.so'),
    tokenLabel: str('KYSO_TOKEN_LABEL'),
    pin: str('KYSO_TOKEN_PIN'),
    poolSize: 1,
  });
  try {
    const demo = await seedDemo({ registry, keyStore, tokenLabel: str('KYSO_TOKEN_LABEL'), pki });
    const databaseUrl = str('KYSO_DATABASE_URL');
    const apiKey = await createApiKey(databaseUrl, {
      name: 'Demo document management system',
      scopes: ['sign', 'validate', 'registry:read', 'registry:write'],
      organizationIds: [demo.organizationId, demo.districtOrganizationId],
    });
    const credentials: DevCredentials = {
      gatewayUrl: `http://127.0.0.1:${process.env.KYSO_GATEWAY_PORT ?? 3000}`,
      apiKey: apiKey.key,
      webhookSecret: apiKey.webhookSecret,
      trustAnchors: [relative(process.cwd(), join(devDir, 'pki', 'root.pem'))],
      operators: (await createDemoOperators(databaseUrl, demo)).map((o) => ({
        ...o,
        organizationId: o.organizationId ?? '',
        officialId: o.officialId ?? '',
      })),
      demo: {
        organizationId: demo.organizationId,
        officials: demo.officials,
        clerk: {
          id: demo.clerk.id,
          organizationCertificateId: demo.clerk.organizationCertificateId,
          pin: demo.clerk.pin,
        },
      },
    };
    writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
    console.log(`kyso: demo data created; credentials in ${relative(process.cwd(), credentialsFile)}`);
  } finally {
    await keyStore.close();
  }
}

main().catch((e) => {
  console.error(`kyso: seeding failed: ${(e as Error).message}`);
  process.exit(1);
});
