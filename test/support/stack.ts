import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InternalClient, WebhookSettings } from '@kyso/common';
import { Pkcs11KeyStore } from '@kyso/keystore';
import { createApiKey } from '../../apps/gateway/src/api-keys';
import { createGatewayApp } from '../../apps/gateway/src/app';
import { SecretBox } from '../../apps/gateway/src/webhooks/secret-box';
import type { LimitSettings } from '../../apps/gateway/src/config';
import { createRegistryApp } from '../../apps/registry/src/app';
import { createSignerApp } from '../../apps/signer/src/app';
import { batchDefaults } from '../../apps/signer/src/batches/batch-config';
import { createVerifierApp } from '../../apps/verifier/src/app';
import { startVerifierWorker } from '../../apps/verifier/src/worker';
import { DemoData, DemoPki, seedDemo } from '../../scripts/dev/demo';
import { createDemoOperators, DemoOperator } from '../../scripts/dev/operators';
import { loadOrCreatePki } from '../../scripts/dev/pki-files';
import { migrateAll } from '../../scripts/migrate';
import { createTestDatabase } from './db';
import { freePort } from './ports';
import { dropQueueKeys } from './queue-keys';
import { createActiveTestToken, TestToken } from './token';

/**
 * The whole system in one test process, each service on its own loopback port talking real HTTP
 * to the others: real Postgres (a throwaway database), Redis (a unique BullMQ prefix), a
 * throwaway SoftHSM2 token holding the demo keys, and the demo PKI and data of the quickstart.
 */
export interface Stack {
  gatewayUrl: string;
  registryUrl: string;
  signerUrl: string;
  verifierUrl: string;
  internalToken: string;
  apiKey: string;
  /** The webhook secret of `apiKey`, with `webhooks: true`. */
  webhookSecret?: string;
  databaseUrl: string;
  pki: DemoPki;
  demo: DemoData;
  token: TestToken;
  registry: InternalClient;
  /** The demo operator accounts (one per role), when asked for with `operators: true`. */
  operators: DemoOperator[];
  close(): Promise<void>;
}

const MB = 1024 * 1024;

async function listen(app: INestApplication, port = 0): Promise<string> {
  await app.listen(port, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

export async function startStack(
  opts: {
    bodyLimitBytes?: number;
    operators?: boolean;
    gatewayLimits?: Partial<LimitSettings>;
    /** Webhooks on, callbacks to 127.0.0.1 allowed (as the quickstart does). */
    webhooks?: boolean;
  } = {},
): Promise<Stack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const db = await createTestDatabase('kyso_e2e');
    cleanups.push(db.drop);
    await migrateAll(db.url);
    const token = await createActiveTestToken();
    cleanups.push(token.remove);
    const internalToken = randomBytes(24).toString('hex');
    const common = { databaseUrl: db.url, redisUrl: 'redis://127.0.0.1:6379', internalToken, host: '127.0.0.1' };

    // The dev CA's CRL and OCSP URLs go into the certificates: the registry's port is chosen first.
    const [registryPort, signerPort, verifierPort] = [await freePort(), await freePort(), await freePort()];
    const devCaPublicUrl = `http://127.0.0.1:${registryPort}/dev-ca`;
    const pkiDir = await mkdtemp(join(tmpdir(), 'kyso-e2e-pki-'));
    cleanups.push(() => rm(pkiDir, { recursive: true, force: true }));
    const pki = await loadOrCreatePki(pkiDir, devCaPublicUrl);

    const registryApp = await createRegistryApp({
      databaseUrl: db.url,
      internalToken,
      host: '127.0.0.1',
      port: registryPort,
      dataKey: randomBytes(32).toString('base64'),
      signerUrl: `http://127.0.0.1:${signerPort}`,
      caConnector: 'dev',
      devCaDir: pkiDir,
      devCaPublicUrl,
      // Its queue of personnel changes dated later (worker in-process), under this run's own prefix.
      redisUrl: common.redisUrl,
      queuePrefix: `kyso-e2e-registry-${randomBytes(4).toString('hex')}`,
    });
    cleanups.push(() => registryApp.close());
    const registryUrl = await listen(registryApp, registryPort);
    const registry = new InternalClient(registryUrl, internalToken);

    const pkcs11 = { modulePath: token.modulePath, tokenLabel: token.label, pin: token.pin, poolSize: 4 };
    const signerQueuePrefix = `kyso-e2e-signer-${randomBytes(4).toString('hex')}`;
    cleanups.push(() => dropQueueKeys(`${signerQueuePrefix}:*`));
    const keyStore = await Pkcs11KeyStore.open(pkcs11);
    cleanups.push(() => keyStore.close());
    const demo = await seedDemo({ registry, keyStore, tokenLabel: token.label, pki });

    const signerApp = await createSignerApp(
      {
        ...common,
        port: 0,
        registryUrl,
        pkcs11,
        maxPdfBytes: 50 * MB,
        // Certificates are checked by the verifier before signing; B-T and above use the dev CA's TSA.
        verifierUrl: `http://127.0.0.1:${verifierPort}`,
        tsaUrl: `${devCaPublicUrl}/tsa`,
        // Signing batches run in the signer, under this run's own queue prefix and directory.
        batches: { ...batchDefaults(pkiDir), lockMs: 5_000, queuePrefix: signerQueuePrefix },
      },
      { keyStore },
    );
    cleanups.push(() => signerApp.close());
    const signerUrl = await listen(signerApp, signerPort);

    const webhookKey = randomBytes(32).toString('base64');
    const webhooks: WebhookSettings | undefined = opts.webhooks
      ? {
          redisUrl: common.redisUrl,
          prefix: `kyso-e2e-webhooks-${randomBytes(4).toString('hex')}`,
          allow: ['127.0.0.1'],
          attempts: 3,
          backoffMs: 200,
          timeoutMs: 5_000,
        }
      : undefined;
    const verifierConfig = {
      ...common,
      webhooks,
      port: 0,
      registryUrl,
      maxUploadBytes: 50 * MB,
      queuePrefix: `kyso-e2e-${randomBytes(4).toString('hex')}`,
      trustAnchorsRefreshMs: 1_000,
      workerConcurrency: 2,
      jobAttempts: 2,
      jobBackoffMs: 200,
      // The dev CA publishes its CRLs and OCSP on the registry's loopback port: allow-listed as the quickstart does.
      revocation: { fetchAllow: [`127.0.0.1:${registryPort}`] },
    };
    const verifierApp = await createVerifierApp(verifierConfig);
    cleanups.push(() => verifierApp.close());
    const verifierUrl = await listen(verifierApp, verifierPort);
    const worker = await startVerifierWorker(verifierConfig);
    cleanups.push(() => worker.close());

    const limit = opts.bodyLimitBytes ?? 25 * MB;
    const gatewayApp = await createGatewayApp({
      ...common,
      port: 0,
      signerUrl,
      verifierUrl,
      registryUrl,
      bodyLimits: { signaturesPdf: limit, validationsPdf: limit },
      upstreamTimeoutMs: 60_000,
      // Rate limits and sign-in delays are per client address: each stack counts its own.
      redisPrefix: `kyso:e2e:${randomBytes(4).toString('hex')}:`,
      limits: opts.gatewayLimits,
      ...(webhooks ? { webhooks, webhookSecretKey: webhookKey } : {}),
    });
    cleanups.push(() => gatewayApp.close());
    const gatewayUrl = await listen(gatewayApp);

    const apiKey = await createApiKey(
      db.url,
      {
        name: 'e2e document management system',
        scopes: ['sign', 'validate'],
        organizationIds: [demo.organizationId, demo.districtOrganizationId],
      },
      webhooks ? new SecretBox(webhookKey) : undefined,
    );
    const operators = opts.operators ? await createDemoOperators(db.url, demo) : [];
    return {
      gatewayUrl,
      registryUrl,
      signerUrl,
      verifierUrl,
      internalToken,
      apiKey: apiKey.key,
      webhookSecret: apiKey.webhookSecret,
      databaseUrl: db.url,
      pki,
      demo,
      token,
      registry,
      operators,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
