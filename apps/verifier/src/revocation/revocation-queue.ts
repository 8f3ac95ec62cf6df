import type { FactoryProvider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { revocationConfig, type VerifierConfig } from '../config';
import { JobQueue, JobQueueOptions } from '../job-queue';
import { JobName, JobPayloads, JobResults, QueueName } from '../jobs';

type FetchJob = JobName.FetchCrl | JobName.FetchOcsp | JobName.FetchCertificates;
type Fetched<N extends FetchJob> = Extract<JobResults[N], { ok: true }>;

/**
 * A revocation download that did not give evidence: refused, failed after every retry, or not done
 * in time. The checkers make the status `unknown` and report `problem`, a stable code
 * (FETCH_ADDRESS_REFUSED, FETCH_TOO_LARGE, REVOCATION_FETCH_TIMEOUT, ...).
 */
export class RevocationUnavailableError extends Error {
  constructor(
    readonly code: 'REVOCATION_FETCH_TIMEOUT' | 'REVOCATION_FETCH_FAILED' | 'REVOCATION_FETCH_REFUSED',
    message: string,
    readonly problem: string = code,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RevocationUnavailableError';
  }
}

/** Queue port: ask the revocation workers for a download and wait (bounded) for its outcome. */
export abstract class RevocationJobs {
  /** Resolves once a download of `url` into the CRL cache has finished (ours or one already in flight). */
  abstract fetchCrl(url: string, waitMs: number): Promise<Fetched<JobName.FetchCrl>>;
  abstract fetchOcsp(url: string, request: Uint8Array, waitMs: number): Promise<Fetched<JobName.FetchOcsp>>;
  /** Resolves once a caIssuers download of `url` into the issuer cache has finished (ours or one in flight). */
  abstract fetchCertificates(url: string, waitMs: number): Promise<Fetched<JobName.FetchCertificates>>;
  abstract close(): Promise<void>;
}

/** A transient failure's reason starts with its code (see RevocationJobHandlers). */
const problemOf = (reason: string) =>
  /^(FETCH_[A-Z_]+|CRL_[A-Z_]+|CA_ISSUERS_[A-Z_]+):/.exec(reason)?.[1] ?? 'REVOCATION_FETCH_FAILED';

/** The `revocation` queue through the verifier's JobQueue; finished jobs go at once, so a later miss downloads again. */
export class BullRevocationJobs extends RevocationJobs {
  private constructor(private readonly jobs: JobQueue<QueueName.Revocation>) {
    super();
  }

  static open(opts: Omit<JobQueueOptions, 'keepCompletedSec' | 'keepFailedSec'>): BullRevocationJobs {
    return new BullRevocationJobs(
      new JobQueue(QueueName.Revocation, { ...opts, keepCompletedSec: 0, keepFailedSec: 0 }),
    );
  }

  get queue(): JobQueue<QueueName.Revocation> {
    return this.jobs;
  }

  fetchCrl(url: string, waitMs: number): Promise<Fetched<JobName.FetchCrl>> {
    return this.run(JobName.FetchCrl, { url }, waitMs);
  }

  fetchOcsp(url: string, request: Uint8Array, waitMs: number): Promise<Fetched<JobName.FetchOcsp>> {
    return this.run(JobName.FetchOcsp, { url, request: Buffer.from(request).toString('base64') }, waitMs);
  }

  fetchCertificates(url: string, waitMs: number): Promise<Fetched<JobName.FetchCertificates>> {
    return this.run(JobName.FetchCertificates, { url }, waitMs);
  }

  close(): Promise<void> {
    return this.jobs.close();
  }

  private async run<N extends FetchJob>(name: N, payload: JobPayloads[N], waitMs: number): Promise<Fetched<N>> {
    const o = await this.jobs.run(name, payload, waitMs);
    const url = payload.url;
    if (o.state === 'timeout')
      throw new RevocationUnavailableError('REVOCATION_FETCH_TIMEOUT', `${url}: no answer within ${waitMs} ms`);
    if (o.state === 'failed')
      throw new RevocationUnavailableError('REVOCATION_FETCH_FAILED', `${url}: ${o.reason}`, problemOf(o.reason));
    const r = o.result as JobResults[N];
    if (!r.ok) throw new RevocationUnavailableError('REVOCATION_FETCH_REFUSED', `${url}: ${r.message}`, r.code);
    return r as Fetched<N>;
  }
}

/**
 * The `revocation` queue for the API and the worker alike, opened once the database answered: a failed
 * boot leaves no Redis connection behind.
 */
export function revocationJobsProvider(config: VerifierConfig): FactoryProvider<RevocationJobs> {
  return {
    provide: RevocationJobs,
    inject: [DataSource],
    useFactory: () =>
      BullRevocationJobs.open({
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        attempts: revocationConfig(config).attempts,
        backoffMs: config.jobBackoffMs,
      }),
  };
}
