import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { contractValidationPipe } from '@kyso/contracts';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import {
  Clock,
  HealthController,
  httpCheck,
  JSON_BODY_LIMIT_BYTES,
  READINESS_CHECKS,
  ReadinessCheck,
} from '@kyso/common';
import { ACCESS_DEPS, AccessDeps, AccessGuard } from './authz/access.guard';
import { AccessRule, PUBLIC_VALIDATIONS_PDF } from './authz/matrix';
import type { GatewayConfig } from './config';
import { DevCaProxyController } from './dev-ca-proxy.controller';
import { GATEWAY_SETTINGS, GatewayCoreModule, GatewaySettings, REDIS } from './gateway-core.module';
import { Authenticator } from './identity/authenticator';
import { IdentityModule } from './identity/identity.module';
import { Idempotency } from './limits/idempotency';
import { RateLimiter } from './limits/rate-limit';
import { uploadRouteAt } from './upload-routes';
import { RegistryProxyController } from './registry-proxy.controller';
import { CmsSignaturesController } from './cms-signatures.controller';
import { CmsValidationsController } from './cms-validations.controller';
import { InboundValidationsController } from './inbound-validations.controller';
import { SignaturesController } from './signatures.controller';
import { batchBodyLimit, SignatureBatchesController } from './signature-batches.controller';
import { UPSTREAMS, Upstreams } from './upstreams';
import { ValidationsController } from './validations.controller';
import { PublicValidationsController } from './verify-page/public-validations.controller';
import { VerifyPageController } from './verify-page/verify-page.controller';
import { WebhookWorker } from './webhooks/webhook-worker';

/** The public gateway: identity, the access guard with its limits, and the forwarding controllers. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [GatewayCoreModule.forRoot(config), IdentityModule],
      controllers: [
        SignaturesController,
        SignatureBatchesController,
        CmsSignaturesController,
        ValidationsController,
        CmsValidationsController,
        InboundValidationsController,
        HealthController,
        RegistryProxyController,
        DevCaProxyController,
        PublicValidationsController,
        VerifyPageController,
      ],
      providers: [
        WebhookWorker,
        {
          provide: RateLimiter,
          inject: [REDIS, GATEWAY_SETTINGS, Clock],
          useFactory: (redis: IORedis, s: GatewaySettings, clock: Clock) =>
            new RateLimiter(redis, s.redisPrefix, clock),
        },
        {
          provide: Idempotency,
          inject: [REDIS, GATEWAY_SETTINGS],
          useFactory: (redis: IORedis, s: GatewaySettings) =>
            new Idempotency(
              redis,
              s.redisPrefix,
              s.limits.idempotencyTtlSec,
              s.limits.idempotencyMaxBodyBytes,
              Math.ceil(s.limits.requestTimeoutMs / 1000) + 30,
            ),
        },
        {
          provide: ACCESS_DEPS,
          inject: [Authenticator, RateLimiter, Idempotency, UPSTREAMS, GATEWAY_SETTINGS],
          useFactory: (
            authenticator: Authenticator,
            limiter: RateLimiter,
            idempotency: Idempotency,
            up: Upstreams,
            s: GatewaySettings,
          ): AccessDeps => ({
            authenticator,
            limiter,
            idempotency,
            registry: up.registry,
            limits: s.limits,
            bodyLimitFor: bodyLimitFor(s.config),
          }),
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useFactory: contractValidationPipe },
        {
          provide: READINESS_CHECKS,
          inject: [DataSource, REDIS],
          useFactory: (db: DataSource, redis: IORedis): Record<string, ReadinessCheck> =>
            publicChecks({
              postgres: async () => void (await db.query('SELECT 1')),
              redis: async () => void (await redis.ping()),
              signer: httpCheck(`${config.signerUrl}/health/ready`, config.sockets?.signer),
              verifier: httpCheck(`${config.verifierUrl}/health/ready`, config.sockets?.verifier),
              registry: httpCheck(`${config.registryUrl}/health/ready`, config.sockets?.registry),
            }),
        },
      ],
    };
  }
}

/** Largest body per rule path (for reading a replayed request). */
const bodyLimitFor =
  (config: GatewayConfig) =>
  (rule: AccessRule): number => {
    const upload = uploadRouteAt(rule.path);
    if (upload) return config.bodyLimits[upload.body];
    if (rule.path.endsWith('/signatures/batches')) return batchBodyLimit(config.bodyLimits);
    if (rule.path.endsWith('/validations/inbound') || rule.path === PUBLIC_VALIDATIONS_PDF)
      return config.bodyLimits.validationsPdf;
    return JSON_BODY_LIMIT_BYTES;
  };

/**
 * The gateway's readiness answer is public: a failing check says which dependency is down, never
 * its address or driver message (those go to the log).
 */
function publicChecks(checks: Record<string, ReadinessCheck>): Record<string, ReadinessCheck> {
  const log = new Logger('Readiness');
  return Object.fromEntries(
    Object.entries(checks).map(([name, check]) => [
      name,
      async () => {
        try {
          await check();
        } catch (e) {
          // The dependency monitor logs the outage once; this line is for debugging only.
          log.debug(`${name} not ready: ${(e as Error).message}`);
          throw new Error(`${name} is not available`);
        }
      },
    ]),
  );
}
