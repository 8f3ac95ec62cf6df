import { JobQueue } from './job-queue';
import { JobName, QueueName } from './jobs';

/** Queue port: the API enqueues and waits; the worker is elsewhere. */
export abstract class ValidationQueue {
  abstract enqueue(validationId: string): Promise<void>;
  /** Resolves true when the job finished (either way) within `seconds`, false on timeout. */
  abstract waitFor(validationId: string, seconds: number): Promise<boolean>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

export interface BullOptions {
  redisUrl: string;
  prefix: string;
  attempts: number;
  backoffMs: number;
}

/** The `validation` queue through the verifier's JobQueue; finished jobs are kept a while for late waiters. */
export class BullValidationQueue extends ValidationQueue {
  private readonly jobs: JobQueue<QueueName.Validation>;

  constructor(opts: BullOptions) {
    super();
    this.jobs = new JobQueue(QueueName.Validation, { ...opts, keepCompletedSec: 3600, keepFailedSec: 24 * 3600 });
  }

  async enqueue(validationId: string): Promise<void> {
    await this.jobs.add(JobName.ValidatePdf, { validationId });
  }

  async waitFor(validationId: string, seconds: number): Promise<boolean> {
    // A final failure also ends the wait: the stored status says what happened.
    return (await this.jobs.waitFor(validationId, seconds * 1000)).state !== 'timeout';
  }

  ping(): Promise<void> {
    return this.jobs.ping();
  }

  close(): Promise<void> {
    return this.jobs.close();
  }
}
