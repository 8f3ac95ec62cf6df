import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type IORedis from 'ioredis';
import { crlJobId, JobName, JobPayloads, JobResults, QueueName } from '../jobs';
import { redisConnection } from '../validation-queue';

/** A revocation download that did not finish in time or failed for good (the checkers make it `unknown`). */
export class RevocationUnavailableError extends Error {
  constructor(
    readonly code: 'REVOCATION_FETCH_TIMEOUT' | 'REVOCATION_FETCH_FAILED',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RevocationUnavailableError';
  }
}

/** Queue port: ask the revocation workers for a download and wait (bounded) for its outcome. */
export abstract class RevocationJobs {
  /** Resolves once a download of `url` into the CRL cache has finished (ours or one already in flight). */
  abstract fetchCrl(url: string, waitMs: number): Promise<JobResults[JobName.FetchCrl]>;
  abstract fetchOcsp(url: string, request: Uint8Array, waitMs: number): Promise<JobResults[JobName.FetchOcsp]>;
  abstract close(): Promise<void>;
}

type RevocationJob = JobName.FetchCrl | JobName.FetchOcsp;
type Outcome = { ok: true; value: unknown } | { ok: false; reason: string };

export interface BullRevocationOptions {
  redisUrl: string;
  prefix: string;
  attempts: number;
  backoffMs: number;
}

export class BullRevocationJobs extends RevocationJobs {
  private readonly waiters = new Map<string, Set<(o: Outcome) => void>>();

  private constructor(
    private readonly opts: BullRevocationOptions,
    private readonly connection: IORedis,
    private readonly eventsConnection: IORedis,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    super();
    events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, { ok: true, value: returnvalue }));
    events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, { ok: false, reason: failedReason }));
  }

  static async open(opts: BullRevocationOptions): Promise<BullRevocationJobs> {
    const connection = redisConnection(opts.redisUrl, false);
    const eventsConnection = redisConnection(opts.redisUrl, true);
    const queue = new Queue(QueueName.Revocation, { connection, prefix: opts.prefix });
    try {
      // Read events from the stream's current end by id, not from "$" whenever the first XREAD
      // happens to run: a job finishing before that would otherwise go unnoticed.
      const last = (await connection.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
      const events = new QueueEvents(QueueName.Revocation, {
        connection: eventsConnection,
        prefix: opts.prefix,
        lastEventId: last,
      });
      await events.waitUntilReady();
      return new BullRevocationJobs(opts, connection, eventsConnection, queue, events);
    } catch (e) {
      await queue.close().catch(() => undefined);
      connection.disconnect();
      eventsConnection.disconnect();
      throw e;
    }
  }

  async fetchCrl(url: string, waitMs: number): Promise<JobResults[JobName.FetchCrl]> {
    return this.run(JobName.FetchCrl, { url }, crlJobId(url), waitMs);
  }

  async fetchOcsp(url: string, request: Uint8Array, waitMs: number): Promise<JobResults[JobName.FetchOcsp]> {
    // OCSP requests carry a nonce: every one is its own job.
    return this.run(
      JobName.FetchOcsp,
      { url, request: Buffer.from(request).toString('base64') },
      `ocsp-${randomUUID()}`,
      waitMs,
    );
  }

  async close(): Promise<void> {
    for (const set of this.waiters.values()) for (const w of set) w({ ok: false, reason: 'closing' });
    this.waiters.clear();
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.eventsConnection.disconnect();
    this.connection.disconnect();
  }

  private async run<N extends RevocationJob>(
    name: N,
    data: JobPayloads[N],
    jobId: string,
    waitMs: number,
  ): Promise<JobResults[N]> {
    let timer: NodeJS.Timeout | undefined;
    let waiter!: (o: Outcome) => void;
    // Listen before adding: the job may be done before `add` returns.
    const outcome = new Promise<Outcome>((resolve) => {
      waiter = resolve;
      const set = this.waiters.get(jobId) ?? new Set();
      set.add(waiter);
      this.waiters.set(jobId, set);
      timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), waitMs);
    });
    try {
      // Finished jobs are removed at once, so a later `add` with the same CRL job id downloads again.
      await this.queue.add(name, data, {
        jobId,
        attempts: this.opts.attempts,
        backoff: { type: 'exponential', delay: this.opts.backoffMs },
        removeOnComplete: true,
        removeOnFail: true,
      });
      const o = await outcome;
      if (o.ok) return o.value as JobResults[N];
      if (o.reason === 'timeout')
        throw new RevocationUnavailableError('REVOCATION_FETCH_TIMEOUT', `${data.url}: no answer within ${waitMs} ms`);
      throw new RevocationUnavailableError('REVOCATION_FETCH_FAILED', `${data.url}: ${o.reason}`);
    } finally {
      clearTimeout(timer);
      this.unregister(jobId, waiter);
    }
  }

  private settle(jobId: string, o: Outcome): void {
    const set = this.waiters.get(jobId);
    if (!set) return;
    this.waiters.delete(jobId);
    for (const w of set) w(o);
  }

  private unregister(jobId: string, waiter: (o: Outcome) => void): void {
    const set = this.waiters.get(jobId);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(jobId);
  }
}
