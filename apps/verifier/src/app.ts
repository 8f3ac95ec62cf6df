import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createService } from '@kyso/common';
import { VerifierConfig } from './config';
import { verifierDataSource } from './data-source';
import { VerifierModule } from './app.module';
import { BullValidationQueue } from './validation-queue';

/** The verifier API (not listening: the caller decides where). The schema must be migrated. */
export async function createVerifierApp(config: VerifierConfig): Promise<NestExpressApplication> {
  const dataSource = verifierDataSource(config.databaseUrl);
  await dataSource.initialize();
  const queue = new BullValidationQueue({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    attempts: config.jobAttempts,
    backoffMs: config.jobBackoffMs,
  });
  try {
    return await createService(
      VerifierModule.forRoot({
        dataSource,
        queue,
        registryUrl: config.registryUrl,
        maxUploadBytes: config.maxUploadBytes,
      }),
      { name: 'verifier', port: config.port, host: config.host, internalToken: config.internalToken },
    );
  } catch (e) {
    await queue.close();
    await dataSource.destroy();
    throw e;
  }
}
