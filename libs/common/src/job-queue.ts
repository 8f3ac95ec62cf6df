import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import IORedis from 'ioredis';

/** A service's jobs by name: what each takes and gives back (style rule 15). */
export type JobMap = Record<string, { payload: unknown; result: unknown }>;

/** Which queue carries each job, and each job's deterministic id (a second add of the same id is the same job). */
export interface JobCatalog<J extends JobMap> {
  queueOf: { readonly [N in keyof J]: string };
  idOf: { readonly [N in keyof J]: (payload: J[N]['payload']) => string };
}

/** One handler per job name, whichever queue carries it (see assertEveryJobHandled in each service). */
export type JobHandlersOf<J extends JobMap> = {
  [N in keyof J]: (payload: J[N]['payload']) => Promise<J[N]['result']>;
};

export interface JobQueueOptions {
  redisUrl: string;
  prefix: string;
  /** Attempts per job (transient failures only) and the first retry delay, doubling. */
  attempts: number;
  backoffMs: number;
  /** Seconds a finished job is kept (so `waitFor` of a late caller finds it); 0: removed at once. */
  keepCompletedSec: number;
  keepFailedSec: number;
}

/** How a wait ended. `completed` carries the handler's result. */
export type JobOutcome<R> =
  { state: 'completed'; result: R } | { state: 'failed'; reason: string } | { state: 'timeout' };

type Waiter = (o: JobOutcome<unknown>) => void;

export function redisConnection(url: string, blocking: boolean): IORedis {
  // Blocking clients must retry forever (BullMQ's requirement); request-path clients fail fast.
  return new IORedis(
    url,
    blocking ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, connectTimeout: 2_000 },
  );
}

/**
 * The one BullMQ adapter of the services, one instance per queue (`N`: the jobs it carries): enqueue a typed job under its
 * deterministic id, wait (bounded) for it to finish, and process it with the handler of its name.
 * Waiters listen to the queue's event stream from the point the adapter opened (by id, not "$",
 * so a job finishing before the first read is not missed), and register before they add or look.
 */
export class JobQueue<J extends JobMap, N extends keyof J & string = keyof J & string> {
  private readonly connection: IORedis;
  private readonly queue: Queue;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly closers: (() => Promise<unknown> | void)[] = [];
  private listening?: Promise<void>;

  constructor(
    readonly name: string,
    private readonly catalog: JobCatalog<J>,
    private readonly opts: JobQueueOptions,
  ) {
    this.connection = redisConnection(opts.redisUrl, false);
    this.queue = new Queue(name, { connection: this.connection, prefix: opts.prefix });
    // Without a listener BullMQ prints every reconnect attempt while Redis is down. The outage
    // reaches callers as 503 QUEUE_UNAVAILABLE, logged once by the dependency monitor, and readiness.
    this.queue.on('error', () => undefined);
  }

  /** Starts listening to the queue's events once; after a failure (Redis down) the next call tries again. */
  private ready(): Promise<void> {
    this.listening ??= this.listen().catch((e: unknown) => {
      this.listening = undefined;
      throw e;
    });
    return this.listening;
  }

  /** Adds the job under its deterministic id (a second add of the same id is the same job). */
  async add<K extends N>(job: K, payload: J[K]['payload'], jobId = this.catalog.idOf[job](payload)): Promise<string> {
    await this.queue.add(job, payload, {
      jobId,
      attempts: this.opts.attempts,
      backoff: { type: 'exponential', delay: this.opts.backoffMs },
      removeOnComplete: this.opts.keepCompletedSec ? { age: this.opts.keepCompletedSec } : true,
      removeOnFail: this.opts.keepFailedSec ? { age: this.opts.keepFailedSec } : true,
    });
    return jobId;
  }

  /** Runs the job every `everyMs` from now on (one schedule per job id, however many workers start). */
  async repeat<K extends N>(job: K, payload: J[K]['payload'], everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      this.catalog.idOf[job](payload),
      { every: everyMs },
      {
        name: job,
        data: payload,
        opts: {
          attempts: this.opts.attempts,
          backoff: { type: 'exponential', delay: this.opts.backoffMs },
          removeOnComplete: true,
          removeOnFail: this.opts.keepFailedSec ? { age: this.opts.keepFailedSec } : true,
        },
      },
    );
  }

  /** Adds the job and waits up to `waitMs` for its outcome (ours, or that of the same job already queued). */
  async run<K extends N>(job: K, payload: J[K]['payload'], waitMs: number): Promise<JobOutcome<J[K]['result']>> {
    await this.ready();
    const jobId = this.catalog.idOf[job](payload);
    const wait = this.register(jobId, waitMs);
    try {
      await this.add(job, payload, jobId);
      return (await wait.outcome) as JobOutcome<J[K]['result']>;
    } finally {
      wait.cancel();
    }
  }

  /** Waits up to `waitMs` for an added job to finish; a job no longer there has finished and been removed. */
  async waitFor(jobId: string, waitMs: number): Promise<JobOutcome<unknown>> {
    if (waitMs <= 0) return { state: 'timeout' };
    await this.ready();
    const wait = this.register(jobId, waitMs);
    try {
      const job = await Job.fromId(this.queue, jobId);
      if (!job) return { state: 'completed', result: undefined };
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed') return await wait.outcome;
      // Read again: it may have finished after its fields were read above (its result not in them).
      const done = (await Job.fromId(this.queue, jobId)) ?? job;
      return state === 'completed'
        ? { state, result: done.returnvalue as unknown }
        : { state, reason: done.failedReason };
    } finally {
      wait.cancel();
    }
  }

  /**
   * Consumes this queue with the handler of each job's name (from the one map every job has
   * exactly one entry in; see assertEveryJobHandled). `onFailed` hears every failed attempt.
   */
  async process(
    handlers: JobHandlersOf<J>,
    opts: {
      concurrency: number;
      /** Lock duration, and how often stalled jobs (of a dead worker) are looked for. */
      lockMs?: number;
      onFailed?: (job: Job, error: Error, final: boolean) => void;
      onCompleted?: (job: Job) => void;
      onError?: (e: Error) => void;
    },
  ): Promise<void> {
    const connection = redisConnection(this.opts.redisUrl, true);
    const worker = new Worker(
      this.name,
      async (job: Job) => {
        const name = job.name as keyof J;
        if (this.catalog.queueOf[name] !== this.name)
          throw new Error(`job ${job.name} does not belong on queue ${this.name}`);
        return (handlers[name] as (p: unknown) => Promise<unknown>)(job.data);
      },
      {
        connection,
        prefix: this.opts.prefix,
        concurrency: opts.concurrency,
        ...(opts.lockMs ? { lockDuration: opts.lockMs, stalledInterval: opts.lockMs } : {}),
      },
    );
    // Workers stop first (running jobs finish), then their connection.
    this.closers.unshift(() => connection.disconnect());
    this.closers.unshift(() => worker.close());
    worker.on('error', (e) => opts.onError?.(e));
    if (opts.onCompleted) worker.on('completed', (job) => opts.onCompleted!(job));
    if (opts.onFailed)
      worker.on('failed', (job, err) => {
        if (job) opts.onFailed!(job, err, job.attemptsMade >= (job.opts.attempts ?? 1));
      });
    await worker.waitUntilReady();
  }

  /** Jobs not yet finished (waiting, delayed, prioritized, active) and when the oldest waiting one was added. */
  async backlog(): Promise<{ depth: number; active: number; oldestWaitingAt?: number }> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    // Ascending: the oldest job of each list first (one per list; the older of the two counts).
    const heads = await this.queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
    const stamps = heads.filter((j) => !!j).map((j) => j.timestamp);
    const depth = counts.waiting + counts.delayed + counts.prioritized + counts.active;
    return { depth, active: counts.active, oldestWaitingAt: stamps.length ? Math.min(...stamps) : undefined };
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    for (const set of this.waiters.values()) for (const w of set) w({ state: 'failed', reason: 'closing' });
    this.waiters.clear();
    for (const c of this.closers) await Promise.resolve(c()).catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }

  private async listen(): Promise<void> {
    const events = this.queue.keys.events;
    const last = (await this.connection.xrevrange(events, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    const eventsConnection = redisConnection(this.opts.redisUrl, true);
    const queueEvents = new QueueEvents(this.name, {
      connection: eventsConnection,
      prefix: this.opts.prefix,
      lastEventId: last,
    });
    queueEvents.on('completed', ({ jobId, returnvalue }) =>
      this.settle(jobId, { state: 'completed', result: returnvalue }),
    );
    queueEvents.on('failed', ({ jobId, failedReason }) =>
      this.settle(jobId, { state: 'failed', reason: failedReason }),
    );
    const stop = async () => {
      await queueEvents.close().catch(() => undefined);
      eventsConnection.disconnect();
    };
    try {
      await queueEvents.waitUntilReady();
    } catch (e) {
      await stop();
      throw e;
    }
    this.closers.push(stop);
  }

  private register(jobId: string, waitMs: number): { outcome: Promise<JobOutcome<unknown>>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    let waiter!: Waiter;
    const outcome = new Promise<JobOutcome<unknown>>((resolve) => {
      waiter = resolve;
      const set = this.waiters.get(jobId) ?? new Set();
      set.add(waiter);
      this.waiters.set(jobId, set);
      timer = setTimeout(() => resolve({ state: 'timeout' }), waitMs);
    });
    const cancel = () => {
      clearTimeout(timer);
      const set = this.waiters.get(jobId);
      set?.delete(waiter);
      if (set?.size === 0) this.waiters.delete(jobId);
    };
    return { outcome, cancel };
  }

  private settle(jobId: string, o: JobOutcome<unknown>): void {
    const set = this.waiters.get(jobId);
    if (!set) return;
    this.waiters.delete(jobId);
    for (const w of set) w(o);
  }
}
