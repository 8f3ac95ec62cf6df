import {
  CanActivate,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, INTERNAL_CALL_TIMEOUT_MS, InternalClient } from '@kyso/common';
import type { VerifierConfig } from '../config';
import { TrustAnchorSource } from '../trust-anchors';
import { PostgresTrustStoreRepository, TrustStoreRepository } from './trust-store.repository';
import { TrustStore } from './trust-store';

/** Starts the refresher once the application is up (boot never waits for the registry) and stops it. */
class TrustStoreLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(TrustAnchorSource) private readonly store: TrustAnchorSource) {}
  onApplicationBootstrap(): void {
    if (this.store instanceof TrustStore) this.store.start();
  }
  onApplicationShutdown(): void {
    if (this.store instanceof TrustStore) this.store.stop();
  }
}

/**
 * Refuses a validation up front (503 TRUST_STORE_UNAVAILABLE with Retry-After) while there are no
 * anchors at all, rather than accept a document whose job could only fail.
 */
@Injectable()
export class TrustStoreReady implements CanActivate {
  constructor(@Inject(TrustAnchorSource) private readonly anchors: TrustAnchorSource) {}
  async canActivate(): Promise<boolean> {
    await this.anchors.anchorSet();
    return true;
  }
}

/** The trust anchors of the API and the worker: the shared stored copy, refreshed from the registry. */
export function trustStoreProviders(config: VerifierConfig): Provider[] {
  return [
    {
      provide: TrustStoreRepository,
      inject: [DataSource],
      useFactory: (db: DataSource) => new PostgresTrustStoreRepository(db),
    },
    {
      provide: TrustAnchorSource,
      inject: [TrustStoreRepository, Clock],
      useFactory: (repository: TrustStoreRepository, clock: Clock) =>
        new TrustStore(
          new InternalClient(
            config.registryUrl,
            config.internalToken,
            INTERNAL_CALL_TIMEOUT_MS,
            'the registry service',
            config.sockets?.registry,
          ),
          repository,
          { refreshMs: config.trustAnchorsRefreshMs, clock },
        ),
    },
    TrustStoreLifecycle,
  ];
}
