import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { unavailable } from '@kyso/common';

/** The queue the registry's delayed personnel changes wait on. */
export const CHANGE_QUEUE = 'registry-personnel-changes';
/** One job per change event: adding it again (a boot sweep, a retry) is the same job. */
export const changeJobId = (changeEventId: string) => `change-${changeEventId}`;

/**
 * Port: personnel changes dated in the future wait here until their effective date. The job only
 * names the change event; what it does is decided from the database when it runs, so a job that
 * runs twice, late, or after a cancel applies the change at most once.
 */
export abstract class ChangeSchedule {
  /** Adds (or keeps) the job applying the change in `delayMs` (by the registry's clock; 0 when due). */
  abstract schedule(changeEventId: string, delayMs: number): Promise<void>;
  /** Removes the waiting job; a job already running finds the change cancelled and does nothing. */
  abstract unschedule(changeEventId: string): Promise<void>;
  /** Runs `apply` for each due change, in this process, until close. */
  abstract start(apply: (changeEventId: string) => Promise<unknown>): Promise<void>;
  abstract close(): Promise<void>;
}

const redisDown = (e: unknown) => {
  const p = unavailable(
    'SCHEDULER_UNAVAILABLE',
    'The queue of scheduled personnel changes (Redis) cannot be reached; nothing was recorded, try again later',
  );
  p.logDetail = (e as Error).message;
  return p;
};

/** BullMQ on Redis: a delayed job per change, consumed by an in-process worker (small work). */
export class BullChangeSchedule extends ChangeSchedule {
  private readonly connection: IORedis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: IORedis;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {
    super();
    // Request-path client fails fast: a scheduling request answers 503 rather than hanging.
    this.connection = new IORedis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    this.connection.on('error', () => undefined); // reported through the failing calls
    this.queue = new Queue(CHANGE_QUEUE, { connection: this.connection, prefix });
  }

  async schedule(changeEventId: string, delayMs: number): Promise<void> {
    try {
      await this.queue.add(
        'apply',
        { changeEventId },
        {
          jobId: changeJobId(changeEventId),
          delay: Math.max(0, delayMs),
          attempts: 10,
          backoff: { type: 'exponential', delay: 5_000 },
          removeOnComplete: { age: 7 * 86_400 },
          removeOnFail: { age: 30 * 86_400 },
        },
      );
    } catch (e) {
      throw redisDown(e);
    }
  }

  async unschedule(changeEventId: string): Promise<void> {
    // A job running right now is locked and stays; the cancelled status stops it.
    await this.queue.remove(changeJobId(changeEventId)).catch((e: Error) => this.onError(e));
  }

  async start(apply: (changeEventId: string) => Promise<unknown>): Promise<void> {
    // Blocking clients retry forever (BullMQ's requirement): the worker resumes when Redis returns.
    this.workerConnection = new IORedis(this.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker(
      CHANGE_QUEUE,
      async (job) => apply((job.data as { changeEventId: string }).changeEventId),
      { connection: this.workerConnection, prefix: this.prefix, concurrency: 1, autorun: true },
    );
    this.worker.on('error', (e) => this.onError(e));
  }

  async close(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    this.workerConnection?.disconnect();
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}

/** Without Redis (in-process test harnesses): only changes effective today or earlier are accepted. */
export class NoChangeSchedule extends ChangeSchedule {
  async schedule(): Promise<void> {
    throw unavailable(
      'SCHEDULER_NOT_CONFIGURED',
      'This registry has no queue (KYSO_REDIS_URL) for changes dated in the future',
    );
  }
  async unschedule(): Promise<void> {}
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}
