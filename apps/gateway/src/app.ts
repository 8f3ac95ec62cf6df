import 'reflect-metadata';
import IORedis from 'ioredis';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createService, InternalClient } from '@kyso/common';
import { ApiKeyAuthenticator, TypeOrmApiKeyStore } from './api-key.authenticator';
import { GatewayModule } from './app.module';
import { RegistryAuditSink } from './audit-sink';
import { AccessRule } from './authz/matrix';
import { DEFAULT_AUTH, DEFAULT_LIMITS, GatewayConfig } from './config';
import { gatewayDataSource } from './data-source';
import { ApiKeyAdmin } from './identity/api-key-admin';
import { Authenticator } from './identity/authenticator';
import { Operators } from './identity/operators';
import { Sessions } from './identity/sessions';
import { SigningKeys } from './identity/signing-keys';
import { Idempotency } from './limits/idempotency';
import { RateLimiter } from './limits/rate-limit';
import { requestTimeout } from './limits/timeout';
import { setupOpenApi } from './openapi';
import { PUBLIC_PREFIX } from './proxy';

/** The public gateway (not listening: the caller decides where). The schema must be migrated. */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const auth = { ...DEFAULT_AUTH, ...config.auth };
  const limits = { ...DEFAULT_LIMITS, ...config.limits };
  const redisPrefix = config.redisPrefix ?? 'kyso:gw:';
  const dataSource = gatewayDataSource(config.databaseUrl);
  await dataSource.initialize();
  // Fails fast when Redis is down so readiness answers at once instead of queueing the ping.
  const redis = new IORedis(config.redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
  redis.on('error', () => undefined); // readiness reports it
  // Rate limits and idempotency need Redis from the first request: wait briefly for the connection.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    if (redis.status === 'ready') resolve();
    redis.once('ready', () => (clearTimeout(timer), resolve()));
  });
  const client = (url: string, name: string) =>
    new InternalClient(url, config.internalToken, config.upstreamTimeoutMs, `the ${name} service`);
  const registry = client(config.registryUrl, 'registry');
  const operators = new Operators(dataSource);
  const sessions = new Sessions(
    dataSource,
    redis,
    operators,
    new SigningKeys(dataSource, auth.signingKeyRotationSec, auth.accessTokenTtlSec),
    auth,
    redisPrefix,
  );
  const bodyLimitFor = (rule: AccessRule) =>
    rule.path.endsWith('/signatures/pdf')
      ? config.bodyLimits.signaturesPdf
      : rule.path.endsWith('/validations/pdf')
        ? config.bodyLimits.validationsPdf
        : 1024 * 1024;
  try {
    const app = await createService(
      GatewayModule.forRoot({
        dataSource,
        redis,
        upstreams: {
          signer: client(config.signerUrl, 'signer'),
          verifier: client(config.verifierUrl, 'verifier'),
          registry,
          bodyLimits: config.bodyLimits,
          timeoutMs: config.upstreamTimeoutMs,
        },
        serviceUrls: { signer: config.signerUrl, verifier: config.verifierUrl, registry: config.registryUrl },
        access: {
          authenticator: new Authenticator(new ApiKeyAuthenticator(new TypeOrmApiKeyStore(dataSource)), sessions),
          limiter: new RateLimiter(redis, redisPrefix),
          idempotency: new Idempotency(
            redis,
            redisPrefix,
            limits.idempotencyTtlSec,
            limits.idempotencyMaxBodyBytes,
            Math.ceil(limits.requestTimeoutMs / 1000) + 30,
          ),
          registry,
          limits,
          bodyLimitFor,
        },
        sessions,
        operators,
        apiKeys: new ApiKeyAdmin(dataSource),
        audit: new RegistryAuditSink(registry),
      }),
      {
        name: 'gateway',
        port: config.port,
        host: config.host,
        logDestination: config.logDestination,
        metrics: config.metricsToken ? { token: config.metricsToken } : { loopbackOnly: true },
      },
    );
    app.use(requestTimeout(limits.requestTimeoutMs));
    // Closed unless origins are configured: browsers elsewhere get no CORS headers at all.
    if (config.corsOrigins?.length) {
      app.enableCors({
        origin: config.corsOrigins,
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
        exposedHeaders: ['x-request-id', 'x-kyso-signature-id', 'location', 'retry-after'],
        maxAge: 600,
      });
    }
    app.setGlobalPrefix(PUBLIC_PREFIX.slice(1), { exclude: ['health', 'health/ready'] });
    await setupOpenApi(app, {
      registry,
      signer: client(config.signerUrl, 'signer'),
      verifier: client(config.verifierUrl, 'verifier'),
    });
    return app;
  } catch (e) {
    redis.disconnect();
    await dataSource.destroy();
    throw e;
  }
}
