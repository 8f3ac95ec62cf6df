import { DynamicModule, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { contractValidationPipe } from '@kyso/contracts';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import { AuditSink } from './audit-sink';
import { ACCESS_DEPS, AccessDeps, AccessGuard } from './authz/access.guard';
import { HealthController, httpCheck, READINESS_CHECKS, ReadinessCheck } from '@kyso/common';
import { DevCaProxyController } from './dev-ca-proxy.controller';
import { ApiKeyAdmin } from './identity/api-key-admin';
import { ApiKeysController, AuthController, OperatorsController } from './identity/identity.controllers';
import { Operators } from './identity/operators';
import { Sessions } from './identity/sessions';
import { RegistryProxyController } from './registry-proxy.controller';
import { SignaturesController } from './signatures.controller';
import { UPSTREAMS, Upstreams } from './upstreams';
import { ValidationsController } from './validations.controller';

export interface GatewayResources {
  dataSource: DataSource;
  redis: IORedis;
  upstreams: Upstreams;
  serviceUrls: Record<'signer' | 'verifier' | 'registry', string>;
  access: AccessDeps;
  sessions: Sessions;
  operators: Operators;
  apiKeys: ApiKeyAdmin;
  audit: AuditSink;
}

/** Closes what the app opened when Nest shuts down (tests call app.close()). */
class ResourceCloser implements OnApplicationShutdown {
  constructor(private readonly r: GatewayResources) {}
  async onApplicationShutdown(): Promise<void> {
    this.r.redis.disconnect();
    if (this.r.dataSource.isInitialized) await this.r.dataSource.destroy();
  }
}

@Module({})
export class GatewayModule {
  static forRoot(r: GatewayResources): DynamicModule {
    const checks: Record<string, ReadinessCheck> = publicChecks({
      postgres: async () => void (await r.dataSource.query('SELECT 1')),
      redis: async () => void (await r.redis.ping()),
      signer: httpCheck(`${r.serviceUrls.signer}/health/ready`),
      verifier: httpCheck(`${r.serviceUrls.verifier}/health/ready`),
      registry: httpCheck(`${r.serviceUrls.registry}/health/ready`),
    });
    return {
      module: GatewayModule,
      controllers: [
        AuthController,
        ApiKeysController,
        OperatorsController,
        SignaturesController,
        ValidationsController,
        HealthController,
        RegistryProxyController,
        DevCaProxyController,
      ],
      providers: [
        { provide: UPSTREAMS, useValue: r.upstreams },
        { provide: READINESS_CHECKS, useValue: checks },
        { provide: ResourceCloser, useValue: new ResourceCloser(r) },
        { provide: ACCESS_DEPS, useValue: r.access },
        { provide: Sessions, useValue: r.sessions },
        { provide: Operators, useValue: r.operators },
        { provide: ApiKeyAdmin, useValue: r.apiKeys },
        { provide: AuditSink, useValue: r.audit },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useFactory: contractValidationPipe },
      ],
    };
  }
}

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
          log.warn(`${name} not ready: ${(e as Error).message}`);
          throw new Error(`${name} is not available`);
        }
      },
    ]),
  );
}
