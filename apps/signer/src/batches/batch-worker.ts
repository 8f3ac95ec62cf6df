import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobQueue } from '@kyso/common';
import type { BatchConfig } from './batch-config';
import { BatchJob, BatchJobs } from './batch-jobs';
import { BATCH_CONFIG, BatchRunner } from './batch-runner';
import { BatchStore } from './batch-store';
import { BATCH_QUEUE } from './batches.service';

/**
 * Consumes the batch queue in this signer instance (KYSO_SIGNER_BATCH_WORKERS at once). A batch
 * whose worker died is taken over by another once its lock lapses (BullMQ's stalled-job check).
 * Failed jobs are not kept (a batch is given up by marking its documents failed, see abandon), so
 * queueing an unfinished batch again at start always finds its job or adds it.
 */
@Injectable()
export class BatchWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('batches');

  constructor(
    @Inject(BATCH_QUEUE) private readonly queue: JobQueue<BatchJobs>,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly runner: BatchRunner,
    private readonly store: BatchStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.concurrency) return;
    await this.queue.process(
      {
        [BatchJob.Run]: ({ batchId }) => this.runner.run(batchId),
        [BatchJob.Sweep]: () => this.runner.sweep(),
      },
      {
        concurrency: this.config.concurrency,
        lockMs: this.config.lockMs,
        onFailed: (job, e, final) => {
          this.log.warn(`${job.name} ${job.id} failed${final ? ' for good' : ', will retry'}: ${e.message}`);
          const batchId = (job.data as { batchId?: string }).batchId;
          if (final && batchId) this.runner.abandon(batchId, e.message).catch((x: Error) => this.log.error(x.message));
        },
        onError: (e) => this.log.warn(`batch queue: ${e.message}`),
      },
    );
    await this.queue.repeat(BatchJob.Sweep, {}, this.config.sweepEveryMs);
    // A batch whose job is gone (Redis lost it, or it stalled past BullMQ's limit) is queued again;
    // one whose job still exists (waiting, running elsewhere) keeps it: the job id is the batch's.
    for (const batchId of await this.store.unfinished()) await this.queue.add(BatchJob.Run, { batchId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
