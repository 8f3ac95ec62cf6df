import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import type { DataSource } from 'typeorm';
import { HealthController, httpCheck, READINESS_CHECKS, ReadinessCheck } from '@kyso/common';
import { contractValidationPipe } from '@kyso/contracts';
import { PdfValidator, PkiPdfValidator } from './pdf-validator';
import { ValidationQueue } from './validation-queue';
import { TypeOrmValidationRepository, ValidationRepository } from './validation.repository';
import { ValidationService } from './validation.service';
import { ValidationsController } from './validations.controller';

export interface VerifierResources {
  dataSource: DataSource;
  queue: ValidationQueue;
  registryUrl: string;
  maxUploadBytes: number;
}

/** Closes what the app opened when Nest shuts down (tests call app.close()). */
class ResourceCloser implements OnApplicationShutdown {
  constructor(private readonly r: VerifierResources) {}
  async onApplicationShutdown(): Promise<void> {
    await this.r.queue.close();
    if (this.r.dataSource.isInitialized) await this.r.dataSource.destroy();
  }
}

@Module({})
export class VerifierModule {
  static forRoot(r: VerifierResources): DynamicModule {
    const repo = new TypeOrmValidationRepository(r.dataSource);
    const checks: Record<string, ReadinessCheck> = {
      postgres: () => repo.ping(),
      redis: () => r.queue.ping(),
      registry: httpCheck(`${r.registryUrl}/health`),
    };
    return {
      module: VerifierModule,
      imports: [MulterModule.register({ storage: memoryStorage(), limits: { fileSize: r.maxUploadBytes, files: 1 } })],
      controllers: [ValidationsController, HealthController],
      providers: [
        { provide: ValidationRepository, useValue: repo },
        { provide: ValidationQueue, useValue: r.queue },
        { provide: PdfValidator, useClass: PkiPdfValidator },
        { provide: READINESS_CHECKS, useValue: checks },
        { provide: ResourceCloser, useValue: new ResourceCloser(r) },
        ValidationService,
        { provide: APP_PIPE, useFactory: contractValidationPipe },
      ],
    };
  }
}
