import 'reflect-metadata';
import IORedis from 'ioredis';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createService, InternalClient } from '@kyso/common';
import { GatewayModule } from './app.module';
import { GatewayConfig } from './config';
import { gatewayDataSource } from './data-source';
import { setupOpenApi } from './openapi';
import { PUBLIC_PREFIX } from './proxy';
import { requestIdMiddleware } from './request-id';

/** The public gateway (not listening: the caller decides where). The schema must be migrated. */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const dataSource = gatewayDataSource(config.databaseUrl);
  await dataSource.initialize();
  // Fails fast when Redis is down so readiness answers at once instead of queueing the ping.
  const redis = new IORedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => undefined); // readiness reports it
  const client = (url: string) => new InternalClient(url, config.internalToken, config.upstreamTimeoutMs);
  try {
    const app = await createService(
      GatewayModule.forRoot({
        dataSource,
        redis,
        upstreams: {
          signer: client(config.signerUrl),
          verifier: client(config.verifierUrl),
          registry: client(config.registryUrl),
          bodyLimits: config.bodyLimits,
          timeoutMs: config.upstreamTimeoutMs,
        },
        serviceUrls: { signer: config.signerUrl, verifier: config.verifierUrl, registry: config.registryUrl },
      }),
      { name: 'gateway', port: config.port, host: config.host },
    );
    app.use(requestIdMiddleware);
    app.setGlobalPrefix(PUBLIC_PREFIX.slice(1), { exclude: ['health', 'health/ready'] });
    setupOpenApi(app);
    return app;
  } catch (e) {
    redis.disconnect();
    await dataSource.destroy();
    throw e;
  }
}
