import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { InternalClient } from '@kyso/common';
import type { KeyStore } from '@kyso/keystore';
import { memoryStorage } from 'multer';
import { DataSource } from 'typeorm';
import { HealthController, httpCheck, READINESS_CHECKS, ReadinessCheck } from '@kyso/common';
import { PdfEngine } from './pdf-engine';
import { HttpRegistryClient, RegistryClient } from './registry-client';
import { SignatureEvents, TypeOrmSignatureEvents } from './signature-events';
import { SignaturesController } from './signatures.controller';
import { Clock, CLOCK, KEY_STORE, SigningService } from './signing.service';

export interface SignerModuleOptions {
  dataSource: DataSource;
  keyStore: KeyStore;
  /** Closed with the app when the app created it. */
  ownsKeyStore: boolean;
  pdfEngine: PdfEngine;
  registryUrl: string;
  internalToken: string;
  maxPdfBytes: number;
  clock: Clock;
}

const OPTIONS = Symbol('SIGNER_OPTIONS');

/** Releases the token and the database pool when the app closes. */
class SignerResources implements OnApplicationShutdown {
  constructor(@Inject(OPTIONS) private readonly opts: SignerModuleOptions) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.opts.ownsKeyStore) await this.opts.keyStore.close();
    if (this.opts.dataSource.isInitialized) await this.opts.dataSource.destroy();
  }
}

@Module({})
export class SignerModule {
  static forRoot(opts: SignerModuleOptions): DynamicModule {
    const checks: Record<string, ReadinessCheck> = {
      postgres: async () => {
        await opts.dataSource.query('SELECT 1');
      },
      token: async () => {
        if (!(await opts.keyStore.isReady())) throw new Error('the PKCS#11 token is not reachable or not logged in');
      },
      registry: httpCheck(`${opts.registryUrl}/health`),
    };
    return {
      module: SignerModule,
      imports: [
        MulterModule.register({
          storage: memoryStorage(),
          limits: { fileSize: opts.maxPdfBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
        }),
      ],
      controllers: [HealthController, SignaturesController],
      providers: [
        { provide: OPTIONS, useValue: opts },
        SignerResources,
        SigningService,
        { provide: PdfEngine, useValue: opts.pdfEngine },
        {
          provide: RegistryClient,
          useValue: new HttpRegistryClient(
            new InternalClient(opts.registryUrl, opts.internalToken, 10_000, 'the registry service'),
          ),
        },
        { provide: SignatureEvents, useValue: new TypeOrmSignatureEvents(opts.dataSource) },
        { provide: KEY_STORE, useValue: opts.keyStore },
        { provide: CLOCK, useValue: opts.clock },
        { provide: READINESS_CHECKS, useValue: checks },
      ],
    };
  }
}
