import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import { ApiKeyAuthenticator, TypeOrmApiKeyStore } from './api-key.authenticator';
import { ApiKeyGuard } from './auth.guard';
import { httpCheck, ReadinessCheck } from './health';
import { HealthController, READINESS_CHECKS } from './health.controller';
import { SignaturesController } from './signatures.controller';
import { UPSTREAMS, Upstreams } from './upstreams';
import { ValidationsController } from './validations.controller';

export interface GatewayResources {
  dataSource: DataSource;
  redis: IORedis;
  upstreams: Upstreams;
  serviceUrls: Record<'signer' | 'verifier' | 'registry', string>;
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
    const checks: Record<string, ReadinessCheck> = {
      postgres: async () => void (await r.dataSource.query('SELECT 1')),
      redis: async () => void (await r.redis.ping()),
      signer: httpCheck(`${r.serviceUrls.signer}/health/ready`),
      verifier: httpCheck(`${r.serviceUrls.verifier}/health/ready`),
      registry: httpCheck(`${r.serviceUrls.registry}/health/ready`),
    };
    return {
      module: GatewayModule,
      controllers: [SignaturesController, ValidationsController, HealthController],
      providers: [
        { provide: ApiKeyAuthenticator, useValue: new ApiKeyAuthenticator(new TypeOrmApiKeyStore(r.dataSource)) },
        { provide: UPSTREAMS, useValue: r.upstreams },
        { provide: READINESS_CHECKS, useValue: checks },
        { provide: ResourceCloser, useValue: new ResourceCloser(r) },
        ApiKeyGuard,
      ],
    };
  }
}
