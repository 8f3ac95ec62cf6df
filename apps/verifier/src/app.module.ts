import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { DataSource } from 'typeorm';
import { HealthController, httpCheck, READINESS_CHECKS, ReadinessCheck } from '@kyso/common';
import { contractValidationPipe } from '@kyso/contracts';
import type { VerifierConfig } from './config';
import { PdfValidator, PkiPdfValidator } from './pdf-validator';
import { VerifierPersistenceModule } from './persistence.module';
import { BullValidationQueue, ValidationQueue } from './validation-queue';
import { ValidationRepository } from './validation.repository';
import { ValidationService } from './validation.service';
import { ValidationsController } from './validations.controller';

/** Closes the queue's connections when Nest shuts down (TypeOrmModule closes the pool). */
class QueueCloser implements OnApplicationShutdown {
  constructor(@Inject(ValidationQueue) private readonly queue: ValidationQueue) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

@Module({})
export class VerifierModule {
  static forRoot(config: VerifierConfig): DynamicModule {
    return {
      module: VerifierModule,
      imports: [
        VerifierPersistenceModule.forRoot(config.databaseUrl),
        MulterModule.register({ storage: memoryStorage(), limits: { fileSize: config.maxUploadBytes, files: 1 } }),
      ],
      controllers: [ValidationsController, HealthController],
      providers: [
        {
          provide: ValidationQueue,
          // Opened once the database answered: a failed boot leaves no Redis connection behind.
          inject: [DataSource],
          useFactory: () =>
            new BullValidationQueue({
              redisUrl: config.redisUrl,
              prefix: config.queuePrefix,
              attempts: config.jobAttempts,
              backoffMs: config.jobBackoffMs,
            }),
        },
        QueueCloser,
        { provide: PdfValidator, useClass: PkiPdfValidator },
        {
          provide: READINESS_CHECKS,
          inject: [ValidationRepository, ValidationQueue],
          useFactory: (repo: ValidationRepository, queue: ValidationQueue): Record<string, ReadinessCheck> => ({
            postgres: () => repo.ping(),
            redis: () => queue.ping(),
            registry: httpCheck(`${config.registryUrl}/health`),
          }),
        },
        ValidationService,
        { provide: APP_PIPE, useFactory: contractValidationPipe },
      ],
    };
  }
}
