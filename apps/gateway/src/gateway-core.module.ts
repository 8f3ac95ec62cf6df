import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { Clock, DATABASE_CONNECT_RETRY, InternalClient, SystemClock } from '@kyso/common';
import { AuditSink, RegistryAuditSink } from './audit-sink';
import { AuthSettings, DEFAULT_AUTH, DEFAULT_LIMITS, GatewayConfig, LimitSettings } from './config';
import { gatewayDataSourceOptions } from './data-source';
import { UPSTREAMS, Upstreams } from './upstreams';

export const REDIS = Symbol('REDIS');
export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');

/** The configuration with every default filled in. */
export interface GatewaySettings {
  config: GatewayConfig;
  auth: AuthSettings;
  limits: LimitSettings;
  redisPrefix: string;
}

/** How long the boot waits for Redis: rate limits and idempotency need it from the first request. */
const REDIS_READY_WAIT_MS = 2_000;

async function openRedis(url: string): Promise<IORedis> {
  // Fails fast when Redis is down so readiness answers at once instead of queueing the ping.
  const redis = new IORedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => undefined); // readiness reports it
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REDIS_READY_WAIT_MS);
    if (redis.status === 'ready') resolve();
    redis.once('ready', () => (clearTimeout(timer), resolve()));
  });
  return redis;
}

/** Disconnects Redis when Nest shuts down (TypeOrmModule closes the database pool). */
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: IORedis) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/** What every part of the gateway shares: settings, database, Redis, the clock, the upstream services. */
@Global()
@Module({})
export class GatewayCoreModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const settings: GatewaySettings = {
      config,
      auth: { ...DEFAULT_AUTH, ...config.auth },
      limits: { ...DEFAULT_LIMITS, ...config.limits },
      redisPrefix: config.redisPrefix ?? 'kyso:gw:',
    };
    const client = (url: string, name: 'signer' | 'verifier' | 'registry') =>
      new InternalClient(
        url,
        config.internalToken,
        config.upstreamTimeoutMs,
        `the ${name} service`,
        config.sockets?.[name],
      );
    return {
      module: GatewayCoreModule,
      imports: [TypeOrmModule.forRoot({ ...gatewayDataSourceOptions(config.databaseUrl), ...DATABASE_CONNECT_RETRY })],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        // Opened once the database answered (hence the DataSource): a failed boot leaves no connection behind.
        { provide: REDIS, inject: [DataSource], useFactory: () => openRedis(config.redisUrl) },
        RedisCloser,
        { provide: Clock, useValue: config.clock ?? new SystemClock() },
        {
          provide: UPSTREAMS,
          useFactory: (): Upstreams => ({
            signer: client(config.signerUrl, 'signer'),
            verifier: client(config.verifierUrl, 'verifier'),
            registry: client(config.registryUrl, 'registry'),
            bodyLimits: config.bodyLimits,
            timeoutMs: config.upstreamTimeoutMs,
          }),
        },
        { provide: AuditSink, inject: [UPSTREAMS], useFactory: (up: Upstreams) => new RegistryAuditSink(up.registry) },
      ],
      exports: [GATEWAY_SETTINGS, REDIS, Clock, UPSTREAMS, AuditSink],
    };
  }
}
