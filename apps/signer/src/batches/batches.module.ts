import type { Provider, Type } from '@nestjs/common';
import { JobQueue, webhookOutboxProvider, type WebhookSettings } from '@kyso/common';
import { mkdirSync } from 'node:fs';
import { BatchConfig } from './batch-config';
import { BatchFiles } from './batch-files';
import { BATCH_JOBS, BatchJobs, SIGNATURE_BATCH_QUEUE } from './batch-jobs';
import { BATCH_CONFIG, BatchRunner } from './batch-runner';
import { BatchStore } from './batch-store';
import { BATCH_UPLOAD_LIMITS, BatchUploads } from './batch-uploads';
import { BatchWorker } from './batch-worker';
import { BatchesController } from './batches.controller';
import { BATCH_QUEUE, BatchesService } from './batches.service';

/**
 * Signing batches, a part of the signer module (they sign through its SigningService and gate):
 * its controller and providers. WEBHOOK_OUTBOX queues the completion event on the `webhooks` queue the
 * gateway delivers (without webhook settings every callbackUrl is refused); a provider of the same
 * token given later (SignerModuleOptions.providers) replaces it.
 */
export function signatureBatches(opts: {
  batches: BatchConfig;
  uploadDir: string;
  maxPdfBytes: number;
  redisUrl: string;
  webhooks?: WebhookSettings;
}): { controllers: Type[]; providers: Provider[] } {
  const { batches } = opts;
  mkdirSync(batches.dir, { recursive: true, mode: 0o700 });
  return {
    controllers: [BatchesController],
    providers: [
      { provide: BATCH_CONFIG, useValue: batches },
      { provide: BATCH_UPLOAD_LIMITS, useValue: opts },
      { provide: BatchFiles, useValue: new BatchFiles(batches.dir) },
      {
        provide: BATCH_QUEUE,
        useFactory: () =>
          new JobQueue<BatchJobs>(SIGNATURE_BATCH_QUEUE, BATCH_JOBS, {
            redisUrl: opts.redisUrl,
            prefix: batches.queuePrefix,
            attempts: 5,
            backoffMs: 2_000,
            keepCompletedSec: 0,
            keepFailedSec: 0,
          }),
      },
      webhookOutboxProvider(opts.webhooks),
      BatchUploads,
      BatchStore,
      BatchRunner,
      BatchesService,
      BatchWorker,
    ],
  };
}
