import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InternalClient } from '@kyso/common';
import { revocationConfig, VerifierConfig, verifierConfigFromEnv } from './config';
import { verifierDataSource } from './data-source';
import { JobQueue } from './job-queue';
import { assertEveryJobHandled, JobHandlers, JobName, JobPayloads, QueueName } from './jobs';
import { PkiPdfValidator } from './pdf-validator';
import { TypeOrmCrlCache } from './revocation/crl-cache';
import { HttpRevocationClient } from './revocation/http-fetch';
import { QueuedRevocationFetcher } from './revocation/queued-fetcher';
import { RevocationJobHandlers } from './revocation/revocation-jobs';
import { BullRevocationJobs } from './revocation/revocation-queue';
import { RegistryTrustAnchors } from './trust-anchors';
import { ValidationProcessor } from './validation-processor';
import { TypeOrmValidationRepository } from './validation.repository';

export interface VerifierWorkerHandle {
  close(): Promise<void>;
}

/** Code stored when a validation could not be finished after every retry. */
export const RETRIES_EXHAUSTED = 'VALIDATION_UNAVAILABLE';

/**
 * Starts consuming `validation` and `revocation` jobs, each queue with its own worker and
 * concurrency (a validation waits for downloads: sharing slots could starve them). The handle
 * stops both and closes their connections.
 */
export async function startVerifierWorker(config: VerifierConfig): Promise<VerifierWorkerHandle> {
  const logger = new Logger('VerifierWorker');
  const rev = revocationConfig(config);
  const dataSource = verifierDataSource(config.databaseUrl);
  await dataSource.initialize();
  // Closed in this order: validations first (while the downloads they wait for still run), then downloads.
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of [...closers, () => dataSource.destroy()]) {
      await c().catch((e) => logger.error(`closing: ${(e as Error).message}`));
    }
  };
  try {
    const queueOptions = { redisUrl: config.redisUrl, prefix: config.queuePrefix, backoffMs: config.jobBackoffMs };
    const validations = new JobQueue(QueueName.Validation, {
      ...queueOptions,
      attempts: config.jobAttempts,
      keepCompletedSec: 3600,
      keepFailedSec: 24 * 3600,
    });
    closers.push(() => validations.close());
    const revocationJobs = BullRevocationJobs.open({ ...queueOptions, attempts: rev.attempts });
    closers.push(() => revocationJobs.close());
    const network = new HttpRevocationClient({ timeoutMs: rev.fetchTimeoutMs, allow: rev.fetchAllow });
    closers.push(() => network.close());

    const cache = new TypeOrmCrlCache(dataSource);
    const registry = new InternalClient(config.registryUrl, config.internalToken, 10_000, 'the registry service');
    const processor = new ValidationProcessor(
      new TypeOrmValidationRepository(dataSource),
      new RegistryTrustAnchors(registry, config.trustAnchorTtlMs),
      new PkiPdfValidator(),
      {
        fetcher: () =>
          new QueuedRevocationFetcher({
            cache,
            jobs: revocationJobs,
            crlMaxAgeMs: rev.crlMaxAgeMs,
            waitMs: rev.waitMs,
          }),
        required: rev.required,
      },
    );
    const downloads = new RevocationJobHandlers(network, cache, rev.crlMaxAgeMs);
    const handlers: JobHandlers = {
      [JobName.ValidatePdf]: (p) => processor.process(p.validationId),
      [JobName.FetchCrl]: (p) => downloads.fetchCrl(p),
      [JobName.FetchOcsp]: (p) => downloads.fetchOcsp(p),
    };
    assertEveryJobHandled(handlers);

    await validations.process(handlers, {
      concurrency: config.workerConcurrency,
      onError: (e) => logger.error(`validation worker error: ${e.message}`),
      onFailed: (job, err, final) => {
        logger.warn(`job ${job.id} attempt ${job.attemptsMade} failed${final ? ' (giving up)' : ''}: ${err.message}`);
        if (!final) return;
        const { validationId } = job.data as JobPayloads[JobName.ValidatePdf];
        processor
          .giveUp(validationId, RETRIES_EXHAUSTED)
          .catch((e) => logger.error(`could not mark ${job.id} failed: ${(e as Error).message}`));
      },
    });
    await revocationJobs.queue.process(handlers, {
      concurrency: rev.concurrency,
      onError: (e) => logger.error(`revocation worker error: ${e.message}`),
      onFailed: (job, err) =>
        logger.warn(
          `${job.name} ${(job.data as { url: string }).url} attempt ${job.attemptsMade} failed: ${err.message}`,
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
