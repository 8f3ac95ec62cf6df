import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { NestFactory } from '@nestjs/core';
import { revocationConfig, VerifierConfig, verifierConfigFromEnv } from './config';
import { assertEveryJobHandled, JOB_QUEUE, JobHandlers, JobName, JobPayloads, QueueName } from './jobs';
import { RevocationJobHandlers } from './revocation/revocation-jobs';
import { redisConnection } from './validation-queue';
import { ValidationProcessor } from './validation-processor';
import { VerifierWorkerModule } from './worker.module';

export interface VerifierWorkerHandle {
  close(): Promise<void>;
}

/** Code stored when a validation could not be finished after every retry. */
export const RETRIES_EXHAUSTED = 'VALIDATION_UNAVAILABLE';

type AnyJob = Job<JobPayloads[JobName], unknown, JobName>;

/**
 * Starts consuming `validation` and `revocation` jobs, each queue with its own worker and
 * concurrency (a validation waits for downloads: sharing slots could starve them). The handle
 * stops both and closes their connections.
 */
export async function startVerifierWorker(config: VerifierConfig): Promise<VerifierWorkerHandle> {
  const logger = new Logger('VerifierWorker');
  const rev = revocationConfig(config);
  const context = await NestFactory.createApplicationContext(VerifierWorkerModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  // Closed in this order: workers (validations first, while downloads they wait for still run), then connections.
  const workers: { close(): Promise<void> }[] = [];
  const closers: (() => Promise<unknown> | void)[] = [];
  const close = async () => {
    for (const c of [...workers.map((w) => () => w.close()), ...closers.reverse(), () => context.close()]) {
      await Promise.resolve(c()).catch((e) => logger.error(`closing: ${(e as Error).message}`));
    }
  };
  try {
    const processor = context.get(ValidationProcessor);
    const downloads = context.get(RevocationJobHandlers);
    const handlers: JobHandlers = {
      [JobName.ValidatePdf]: (p) => processor.process(p.validationId),
      [JobName.FetchCrl]: (p) => downloads.fetchCrl(p),
      [JobName.FetchOcsp]: (p) => downloads.fetchOcsp(p),
    };
    assertEveryJobHandled(handlers);

    const consume = async (queue: QueueName, concurrency: number) => {
      const connection = redisConnection(config.redisUrl, true);
      closers.push(() => connection.disconnect());
      const worker = new Worker<JobPayloads[JobName], unknown, JobName>(
        queue,
        async (job: AnyJob) => {
          if (JOB_QUEUE[job.name] !== queue) throw new Error(`job ${job.name} does not belong on queue ${queue}`);
          return (handlers[job.name] as (p: JobPayloads[JobName]) => Promise<unknown>)(job.data);
        },
        { connection, prefix: config.queuePrefix, concurrency },
      );
      workers.push(worker);
      worker.on('error', (err) => logger.error(`${queue} worker error: ${err.message}`));
      await worker.waitUntilReady();
      return worker;
    };

    const validation = await consume(QueueName.Validation, config.workerConcurrency);
    validation.on('failed', (job, err) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      logger.warn(`job ${job.id} attempt ${job.attemptsMade} failed${final ? ' (giving up)' : ''}: ${err.message}`);
      if (final && job.name === JobName.ValidatePdf) {
        const { validationId } = job.data as JobPayloads[JobName.ValidatePdf];
        processor
          .giveUp(validationId, RETRIES_EXHAUSTED)
          .catch((e) => logger.error(`could not mark ${job.id} failed: ${(e as Error).message}`));
      }
    });
    const revocation = await consume(QueueName.Revocation, rev.concurrency);
    revocation.on('failed', (job, err) => {
      if (job)
        logger.warn(
          `${job.name} ${(job.data as { url: string }).url} attempt ${job.attemptsMade} failed: ${err.message}`,
        );
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
