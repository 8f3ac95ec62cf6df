import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  Clock,
  DATABASE_CONNECT_RETRY,
  HealthController,
  httpCheck,
  INTERNAL_CALL_TIMEOUT_MS,
  InternalClient,
  READINESS_CHECKS,
  ReadinessCheck,
  SystemClock,
} from '@kyso/common';
import type { KeyStore } from '@kyso/keystore';
import { diskStorage } from 'multer';
import { mkdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { defaultUploadDir, SignerConfig } from './config';
import { signerDataSourceOptions } from './data-source';
import { PdfEngine, PkiPdfEngine } from './pdf-engine';
import { HttpRegistryClient, RegistryClient } from './registry-client';
import { SignatureEventEntity } from './signature-event.entity';
import { SignatureEventsRepository, TypeOrmSignatureEventsRepository } from './signature-events.repository';
import { SignaturesController } from './signatures.controller';
import { KEY_STORE, SigningService } from './signing.service';

export interface SignerModuleOptions {
  config: SignerConfig;
  keyStore: KeyStore;
  /** Closed with the app when the app opened it. */
  ownsKeyStore: boolean;
  pdfEngine?: PdfEngine;
  clock?: Clock;
}

const OPTIONS = Symbol('SIGNER_OPTIONS');

/** Uploads are documents: the directory is the service's alone. */
function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Releases the token when the app closes (TypeOrmModule closes the database pool). */
class KeyStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(OPTIONS) private readonly opts: SignerModuleOptions) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.opts.ownsKeyStore) await this.opts.keyStore.close();
  }
}

@Module({})
export class SignerModule {
  static forRoot(opts: SignerModuleOptions): DynamicModule {
    const { config } = opts;
    return {
      module: SignerModule,
      imports: [
        TypeOrmModule.forRoot({ ...signerDataSourceOptions(config.databaseUrl), ...DATABASE_CONNECT_RETRY }),
        TypeOrmModule.forFeature([SignatureEventEntity]),
        MulterModule.register({
          storage: diskStorage({ destination: privateDir(config.uploadDir ?? defaultUploadDir()) }),
          limits: { fileSize: config.maxPdfBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
        }),
      ],
      controllers: [HealthController, SignaturesController],
      providers: [
        { provide: OPTIONS, useValue: opts },
        KeyStoreCloser,
        SigningService,
        { provide: PdfEngine, useValue: opts.pdfEngine ?? new PkiPdfEngine() },
        {
          provide: RegistryClient,
          useFactory: () =>
            new HttpRegistryClient(
              new InternalClient(
                config.registryUrl,
                config.internalToken,
                INTERNAL_CALL_TIMEOUT_MS,
                'the registry service',
              ),
            ),
        },
        { provide: SignatureEventsRepository, useClass: TypeOrmSignatureEventsRepository },
        { provide: KEY_STORE, useValue: opts.keyStore },
        opts.clock ? { provide: Clock, useValue: opts.clock } : { provide: Clock, useClass: SystemClock },
        {
          provide: READINESS_CHECKS,
          inject: [DataSource],
          useFactory: (db: DataSource): Record<string, ReadinessCheck> => ({
            postgres: async () => void (await db.query('SELECT 1')),
            token: async () => {
              if (!(await opts.keyStore.isReady()))
                throw new Error('the PKCS#11 token is not reachable or not logged in');
            },
            registry: httpCheck(`${config.registryUrl}/health`),
          }),
        },
      ],
    };
  }
}
