import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DependencyMonitor, dependencyFailure } from '@kyso/common';
import { NestFactory } from '@nestjs/core';
import { evidenceConfig, revocationConfig, VerifierConfig, verifierConfigFromEnv } from './config';
import { ValidationEvidence } from './evidence/validation-evidence';
import { JobQueue } from './job-queue';
import { assertEveryJobHandled, JobHandlers, JobName, JobPayloads, QueueName } from './jobs';
import { RevocationJobHandlers } from './revocation/revocation-jobs';
import { BullRevocationJobs, RevocationJobs } from './revocation/revocation-queue';
import { ValidationProcessor } from './validation-processor';
import { ValidationRepository } from './validation.repository';
import { VerifierWorkerModule } from './worker.module';

export interface VerifierWorkerHandle {
  close(): Promise<void>;
}

/** Code stored when a validation could not be finished after every retry. */
export const RETRIES_EXHAUSTED = 'VALIDATION_UNAVAILABLE';

/**
 * Starts consuming `validation` and `revocation` jobs (the evidence maintenance runs on the
 * `validation` queue, repeated), each queue with its own worker and
 * concurrency (a validation waits for downloads: sharing slots could starve them). The handle
 * stops both and closes their connections.
 */
export async function startVerifierWorker(config: VerifierConfig): Promise<VerifierWorkerHandle> {
  const logger = new Logger('VerifierWorker');
  // A database or Redis outage fails every attempt meanwhile: logged once when it goes and once
  // when it is back, not once per attempt (BullMQ retries the jobs; the connections reconnect).
  const monitor = new DependencyMonitor(new Logger('Dependencies'));
  const rev = revocationConfig(config);
  const context = await NestFactory.createApplicationContext(VerifierWorkerModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  // Closed in this order: validations first (while the downloads they wait for still run), then the
  // context (revocation queue, network, database).
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    monitor.close();
    for (const c of [...closers, () => context.close()]) {
      await c().catch((e) => logger.error(`closing: ${(e as Error).message}`));
    }
  };
  try {
    const processor = context.get(ValidationProcessor);
    const evidence = context.get(ValidationEvidence);
    const downloads = context.get(RevocationJobHandlers);
    const revocationJobs = context.get<RevocationJobs, BullRevocationJobs>(RevocationJobs);
    const validations = new JobQueue(QueueName.Validation, {
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      backoffMs: config.jobBackoffMs,
      attempts: config.jobAttempts,
      keepCompletedSec: 3600,
      keepFailedSec: 24 * 3600,
    });
    closers.push(() => validations.close());
    const repository = context.get(ValidationRepository);
    monitor.setProbes({ postgres: () => repository.ping(), redis: () => validations.ping() });
    const failed = (err: Error, warn: () => void) => {
      const f = dependencyFailure(err);
      if (f) monitor.reportDown(f.dependency, f.cause);
      else warn();
    };
    const handlers: JobHandlers = {
      [JobName.ValidatePdf]: (p) => processor.process(p.validationId),
      [JobName.FetchCrl]: (p) => downloads.fetchCrl(p),
      [JobName.FetchOcsp]: (p) => downloads.fetchOcsp(p),
      [JobName.FetchCertificates]: (p) => downloads.fetchCertificates(p),
      [JobName.MaintainEvidence]: () => evidence.maintain(),
    };
    assertEveryJobHandled(handlers);

    await validations.process(handlers, {
      concurrency: config.workerConcurrency,
      lockMs: config.jobLockMs,
      // The worker's own errors are its Redis connection's.
      onError: (e) =>
        dependencyFailure(e)
          ? monitor.reportDown('redis', e.message)
          : logger.error(`validation worker error: ${e.message}`),
      onFailed: (job, err, final) => {
        failed(err, () =>
          logger.warn(`job ${job.id} attempt ${job.attemptsMade} failed${final ? ' (giving up)' : ''}: ${err.message}`),
        );
        if (!final || job.name !== JobName.ValidatePdf) return;
        const { validationId } = job.data as JobPayloads[JobName.ValidatePdf];
        processor
          .giveUp(validationId, RETRIES_EXHAUSTED)
          .catch((e) => logger.error(`could not mark ${job.id} failed: ${(e as Error).message}`));
      },
    });
    await validations.repeat(JobName.MaintainEvidence, {}, evidenceConfig(config).maintenanceEveryMs);
    await revocationJobs.queue.process(handlers, {
      concurrency: rev.concurrency,
      onError: (e) =>
        dependencyFailure(e)
          ? monitor.reportDown('redis', e.message)
          : logger.error(`revocation worker error: ${e.message}`),
      onFailed: (job, err) =>
        failed(err, () =>
          logger.warn(
            `${job.name} ${(job.data as { url: string }).url} attempt ${job.attemptsMade} failed: ${err.message}`,
          ),
        ),
    });
  } catch (e) {
    await close();
    throw e;
  }
  return { close };
}

if (require.main === module) {
  startVerifierWorker(verifierConfigFromEnv())
    .then((handle) => {
      new Logger('VerifierWorker').log('consuming validation and revocation jobs');
      const stop = () => void handle.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((e) => {
      console.error(`verifier worker failed to start: ${(e as Error).message}`);
      process.exit(1);
    });
}
