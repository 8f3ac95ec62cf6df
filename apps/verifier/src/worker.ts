import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { InternalClient } from '@kyso/common';
import { VerifierConfig, verifierConfigFromEnv } from './config';
import { verifierDataSource } from './data-source';
import { assertEveryJobHandled, JobHandlers, JobName, JobPayloads, QueueName } from './jobs';
import { PkiPdfValidator } from './pdf-validator';
import { RegistryTrustAnchors } from './trust-anchors';
import { redisConnection } from './validation-queue';
import { ValidationProcessor } from './validation-processor';
import { TypeOrmValidationRepository } from './validation.repository';

export interface VerifierWorkerHandle {
  close(): Promise<void>;
}

/** Code stored when a validation could not be finished after every retry. */
export const RETRIES_EXHAUSTED = 'VALIDATION_UNAVAILABLE';

/** Starts consuming `validation` jobs; the handle stops the worker and closes its connections. */
export async function startVerifierWorker(config: VerifierConfig): Promise<VerifierWorkerHandle> {
  const logger = new Logger('VerifierWorker');
  const dataSource = verifierDataSource(config.databaseUrl);
  await dataSource.initialize();
  const registry = new InternalClient(config.registryUrl, config.internalToken, 10_000);
  const processor = new ValidationProcessor(
    new TypeOrmValidationRepository(dataSource),
    new RegistryTrustAnchors(registry, config.trustAnchorTtlMs),
    new PkiPdfValidator(),
  );
  const handlers: JobHandlers = {
    [JobName.ValidatePdf]: (p) => processor.process(p.validationId),
  };
  assertEveryJobHandled(handlers);

  const connection = redisConnection(config.redisUrl, true);
  const worker = new Worker<JobPayloads[JobName], void, JobName>(
    QueueName.Validation,
    async (job: Job<JobPayloads[JobName], void, JobName>) => {
      const handler = handlers[job.name] as (p: JobPayloads[JobName]) => Promise<void>;
      await handler(job.data);
    },
    { connection, prefix: config.queuePrefix, concurrency: config.workerConcurrency },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.warn(`job ${job.id} attempt ${job.attemptsMade} failed${final ? ' (giving up)' : ''}: ${err.message}`);
    if (final && job.name === JobName.ValidatePdf) {
      processor.giveUp(job.data.validationId, RETRIES_EXHAUSTED).catch((e) => logger.error(`could not mark ${job.id} failed: ${(e as Error).message}`));
    }
  });
  worker.on('error', (err) => logger.error(`worker error: ${err.message}`));
  await worker.waitUntilReady();

  return {
    close: async () => {
      await worker.close();
      connection.disconnect();
      await dataSource.destroy();
    },
  };
}

if (require.main === module) {
  startVerifierWorker(verifierConfigFromEnv())
    .then((handle) => {
      new Logger('VerifierWorker').log('consuming validation jobs');
      const stop = () => void handle.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((e) => {
      console.error(`verifier worker failed to start: ${(e as Error).message}`);
      process.exit(1);
    });
}
