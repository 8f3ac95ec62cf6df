import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DependencyMonitor, dependencyFailure } from '@kyso/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, PinoLoggerService } from '@kyso/common';
import type { Job } from 'bullmq';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import {
  DEFAULT_WORKER_STALL_MS,
  evidenceConfig,
  revocationConfig,
  VerifierConfig,
  verifierConfigFromEnv,
} from './config';
import { ValidationEvidence } from './evidence/validation-evidence';
import { JobQueue } from './job-queue';
import { assertEveryJobHandled, JobHandlers, JobName, JobPayloads, QueueName } from './jobs';
import { RevocationJobHandlers } from './revocation/revocation-jobs';
import { BullRevocationJobs, RevocationJobs } from './revocation/revocation-queue';
import { TrustAnchorSource } from './trust-anchors';
import { RETRIES_EXHAUSTED } from './unfinished-validation';
import { ValidationProcessor } from './validation-processor';
import { ValidationRepository } from './validation.repository';
import { startWorkerHealth } from './worker-health';
import { WorkerMetrics } from './worker-metrics';
import { VerifierWorkerModule } from './worker.module';

export interface VerifierWorkerHandle {
  /** The loopback port of /health, /health/ready and /metrics, when config.workerHealthPort was set. */
  healthPort?: number;
  close(): Promise<void>;
}

export interface VerifierWorkerOptions {
  /** Where JSON log lines go (stdout by default; tests read them). */
  logDestination?: DestinationStream;
}

const durationOf = (job: Job) => (job.processedOn && job.finishedOn ? job.finishedOn - job.processedOn : undefined);
const urlOf = (job: Job) => (job.data as { url: string }).url;

/**
 * Starts consuming `validation` and `revocation` jobs (the evidence maintenance runs on the
 * `validation` queue, repeated), each queue with its own worker and
 * concurrency (a validation waits for downloads: sharing slots could starve them). The handle
 * stops both and closes their connections.
 */
export async function startVerifierWorker(
  config: VerifierConfig,
  opts: VerifierWorkerOptions = {},
): Promise<VerifierWorkerHandle> {
  const logger = new Logger('VerifierWorker');
  // A database or Redis outage fails every attempt meanwhile: logged once when it goes and once
  // when it is back, not once per attempt (BullMQ retries the jobs; the connections reconnect).
  const monitor = new DependencyMonitor(new Logger('Dependencies'));
  const rev = revocationConfig(config);
  const metrics = new WorkerMetrics();
  // The same pino JSON lines and redaction as the services (createService), under its own name.
  const pino = createLogger({ name: 'verifier-worker', destination: opts.logDestination });
  const context = await NestFactory.createApplicationContext(VerifierWorkerModule.forRoot(config, metrics), {
    logger: new PinoLoggerService(pino),
    abortOnError: false,
  });
  let healthPort: number | undefined;
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
    const anchors = context.get(TrustAnchorSource);
    monitor.setProbes({
      postgres: () => repository.ping(),
      redis: () => validations.ping(),
      trustStore: async () => void (await anchors.anchorSet()),
    });
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
      onCompleted: (job) => metrics.job(QueueName.Validation, job.name, 'completed', durationOf(job)),
      onFailed: (job, err, final) => {
        metrics.job(QueueName.Validation, job.name, 'failed', durationOf(job), final);
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
      onCompleted: (job) => {
        metrics.job(QueueName.Revocation, job.name, 'completed', durationOf(job));
        // A refused address is a completed job with a typed refusal, not a download.
        const refused = (job.returnvalue as { ok?: boolean } | undefined)?.ok === false;
        metrics.fetch(job.name, urlOf(job), refused ? 'refused' : 'ok');
      },
      onFailed: (job, err, final) => {
        metrics.job(QueueName.Revocation, job.name, 'failed', durationOf(job), final);
        metrics.fetch(job.name, urlOf(job), 'failed');
        failed(err, () => logger.warn(`${job.name} ${urlOf(job)} attempt ${job.attemptsMade} failed: ${err.message}`));
      },
    });
    if (config.workerHealthPort !== undefined) {
      const database = context.get(DataSource);
      const health = await startWorkerHealth({
        port: config.workerHealthPort,
        checks: {
          redis: () => validations.ping(),
          postgres: async () => void (await database.query('SELECT 1')),
        },
        queues: [validations, revocationJobs.queue],
        stallMs: config.workerStallMs ?? DEFAULT_WORKER_STALL_MS,
        metrics,
      });
      // Stops first: a probe during shutdown sees the worker gone, not half-closed.
      closers.unshift(() => health.close());
      healthPort = health.port;
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { healthPort, close };
}

if (require.main === module) {
  startVerifierWorker(verifierConfigFromEnv())
    .then((handle) => {
      const health = handle.healthPort === undefined ? '' : `; health and metrics on 127.0.0.1:${handle.healthPort}`;
      new Logger('VerifierWorker').log(`consuming validation and revocation jobs${health}`);
      const stop = () => void handle.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((e) => {
      console.error(`verifier worker failed to start: ${(e as Error).message}`);
      process.exit(1);
    });
}
