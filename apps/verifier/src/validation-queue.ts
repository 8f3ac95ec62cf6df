import { Job, Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { JobName, JobPayloads, QueueName } from './jobs';

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

export function redisConnection(url: string, blocking: boolean): IORedis {
  // Blocking clients must retry forever (BullMQ's requirement); request-path clients fail fast.
  return new IORedis(
    url,
    blocking ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, connectTimeout: 2_000 },
  );
}

export class BullValidationQueue extends ValidationQueue {
  private readonly connection: IORedis;
  private readonly eventsConnection: IORedis;
  private readonly queue: Queue<JobPayloads[JobName.ValidatePdf]>;
  private readonly events: QueueEvents;
  private readonly eventsReady: Promise<unknown>;

  constructor(private readonly opts: BullOptions) {
    super();
    this.connection = redisConnection(opts.redisUrl, false);
    this.eventsConnection = redisConnection(opts.redisUrl, true);
    this.queue = new Queue(QueueName.Validation, { connection: this.connection, prefix: opts.prefix });
    this.events = new QueueEvents(QueueName.Validation, { connection: this.eventsConnection, prefix: opts.prefix });
    this.eventsReady = this.events.waitUntilReady().catch(() => undefined);
  }

  async enqueue(validationId: string): Promise<void> {
    await this.queue.add(
      JobName.ValidatePdf,
      { validationId },
      {
        jobId: validationId,
        attempts: this.opts.attempts,
        backoff: { type: 'exponential', delay: this.opts.backoffMs },
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 24 * 3600 },
      },
    );
  }

  async waitFor(validationId: string, seconds: number): Promise<boolean> {
    if (seconds <= 0) return false;
    await this.eventsReady;
    const job = await Job.fromId(this.queue, validationId);
    if (!job) return true; // already completed and removed
    try {
      await job.waitUntilFinished(this.events, seconds * 1000);
      return true;
    } catch (e) {
      // A final failure also ends the wait: the stored status says what happened.
      return !/timed out/i.test((e as Error).message);
    }
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.eventsConnection.disconnect();
    this.connection.disconnect();
  }
}
