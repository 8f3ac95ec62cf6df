import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The verifier worker's Prometheus metrics (it serves no HTTP API, so HttpMetrics does not apply):
 * jobs per queue and name, their durations, downloads per host and revocation cache use. Labels
 * are bounded: queue and job names are fixed, hosts are those of the CAs documents point at.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly processed: Counter<'queue' | 'job'>;
  private readonly failed: Counter<'queue' | 'job' | 'final'>;
  private readonly duration: Histogram<'queue' | 'job' | 'outcome'>;
  private readonly fetches: Counter<'kind' | 'host' | 'outcome'>;
  private readonly cache: Counter<'cache' | 'result'>;

  constructor() {
    this.registry.setDefaultLabels({ service: 'verifier-worker' });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.processed = new Counter({
      name: 'kyso_worker_jobs_processed_total',
      help: 'Jobs finished successfully, by queue and job name',
      labelNames: ['queue', 'job'],
      registers,
    });
    this.failed = new Counter({
      name: 'kyso_worker_jobs_failed_total',
      help: 'Failed job attempts, by queue and job name; final="true" when no retry is left',
      labelNames: ['queue', 'job', 'final'],
      registers,
    });
    this.duration = new Histogram({
      name: 'kyso_worker_job_duration_seconds',
      help: 'Time a job attempt ran, by queue, job name and outcome',
      labelNames: ['queue', 'job', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.fetches = new Counter({
      name: 'kyso_worker_fetches_total',
      help: 'CRL, OCSP and caIssuers download attempts, by kind, host and outcome',
      labelNames: ['kind', 'host', 'outcome'],
      registers,
    });
    this.cache = new Counter({
      name: 'kyso_worker_cache_lookups_total',
      help: 'Revocation cache lookups by a validation, by cache and hit/miss',
      labelNames: ['cache', 'result'],
      registers,
    });
  }

  /** One finished job attempt; `durationMs` from BullMQ's processedOn/finishedOn when known. */
  job(queue: string, job: string, outcome: 'completed' | 'failed', durationMs?: number, final = false): void {
    if (outcome === 'completed') this.processed.inc({ queue, job });
    else this.failed.inc({ queue, job, final: String(final) });
    if (durationMs !== undefined && durationMs >= 0) this.duration.observe({ queue, job, outcome }, durationMs / 1000);
  }

  /** One download attempt of `url` by the revocation workers. */
  fetch(kind: string, url: string, outcome: 'ok' | 'refused' | 'failed'): void {
    this.fetches.inc({ kind, host: hostOf(url), outcome });
  }

  cacheLookup(cache: 'crl' | 'ca-issuers', hit: boolean): void {
    this.cache.inc({ cache, result: hit ? 'hit' : 'miss' });
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || 'unknown';
  } catch {
    return 'invalid';
  }
}
