import type { JobCatalog } from '@kyso/common';
import { createHash } from 'node:crypto';

/**
 * Queue and job names in one place, each job's payload and result tied to its name (style rule
 * 15). Job ids are derived from the payload: a validation's id is the validation id, so
 * submitting the same validation twice never runs it twice; a CRL fetch's id is derived from its
 * URL, so concurrent validations share one download (an AIA caIssuers download likewise). OCSP requests carry a nonce: each is its own job.
 */
export enum QueueName {
  Validation = 'validation',
  Revocation = 'revocation',
}

export enum JobName {
  ValidatePdf = 'validate-pdf',
  FetchCrl = 'fetch-crl',
  FetchOcsp = 'fetch-ocsp',
  FetchCertificates = 'fetch-certificates',
  /** Repeatable: seal evidence records still unsealed, purge those past retention. */
  MaintainEvidence = 'maintain-evidence',
}

export interface JobPayloads {
  [JobName.ValidatePdf]: { validationId: string };
  [JobName.FetchCrl]: { url: string };
  /** `request`: the DER OCSPRequest, base64. */
  [JobName.FetchOcsp]: { url: string; request: string };
  /** An AIA caIssuers URL (a missing intermediate). */
  [JobName.FetchCertificates]: { url: string };
  [JobName.MaintainEvidence]: Record<string, never>;
}

/**
 * A download refused for good (address not allowed, too big, unparsable, 4xx): the job completes
 * with this value instead of failing, so nothing retries it and the waiting validation reports the
 * code. Transient failures throw, and BullMQ retries them with backoff.
 */
export interface FetchRefused {
  ok: false;
  /** Stable: FETCH_ADDRESS_REFUSED, FETCH_TOO_LARGE, CRL_UNPARSABLE, ... */
  code: string;
  message: string;
}

export interface JobResults {
  [JobName.ValidatePdf]: void;
  /** The CRL itself is in the cache table; the result says what was stored (ISO times). */
  [JobName.FetchCrl]:
    { ok: true; fetchedAt: string; thisUpdate: string; nextUpdate: string | null; fromCache: boolean } | FetchRefused;
  /** `response`: the DER OCSPResponse, base64 (kept in the OCSP cache when it has a nextUpdate). */
  [JobName.FetchOcsp]: { ok: true; response: string; fetchedAt: string } | FetchRefused;
  /** The certificates are in the cache table (as downloaded); the result says when they were fetched. */
  [JobName.FetchCertificates]: { ok: true; fetchedAt: string; fromCache: boolean } | FetchRefused;
  [JobName.MaintainEvidence]: { sealed: number; purged: number };
}

/** Which queue carries each job. */
export const JOB_QUEUE = {
  [JobName.ValidatePdf]: QueueName.Validation,
  [JobName.FetchCrl]: QueueName.Revocation,
  [JobName.FetchOcsp]: QueueName.Revocation,
  [JobName.FetchCertificates]: QueueName.Revocation,
  [JobName.MaintainEvidence]: QueueName.Validation,
} as const satisfies Record<JobName, QueueName>;

/** The jobs a queue carries, as a type: `JobsOf<QueueName.Revocation>` is FetchCrl | FetchOcsp | FetchCertificates. */
export type JobsOf<Q extends QueueName> = {
  [N in JobName]: (typeof JOB_QUEUE)[N] extends Q ? N : never;
}[JobName];

export type JobHandler<N extends JobName> = (payload: JobPayloads[N]) => Promise<JobResults[N]>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

/** BullMQ refuses ":" in custom ids, hence "crl-" rather than "crl:". */
export const JOB_ID: { [N in JobName]: (payload: JobPayloads[N]) => string } = {
  [JobName.ValidatePdf]: (p) => p.validationId,
  [JobName.FetchCrl]: (p) => crlJobId(p.url),
  [JobName.FetchOcsp]: (p) => ocspJobId(p.url, p.request),
  [JobName.FetchCertificates]: (p) => certificatesJobId(p.url),
  [JobName.MaintainEvidence]: () => 'maintain-evidence',
};

/** The job id of an OCSP request: one per URL and (nonce-free) request while queued or running, so asks coalesce. */
export function ocspJobId(url: string, request: string): string {
  return `ocsp-${createHash('sha256').update(`${url}\n${request}`).digest('hex')}`;
}

/** The job id of a CRL download: one per URL while it is queued or running. */
export function crlJobId(url: string): string {
  return `crl-${createHash('sha256').update(url).digest('hex')}`;
}

/** The job id of an AIA caIssuers download: one per URL while it is queued or running. */
export function certificatesJobId(url: string): string {
  return `ca-issuers-${createHash('sha256').update(url).digest('hex')}`;
}

/**
 * Fails at boot unless every job has exactly one handler: none missing (a forgotten registration)
 * and none for a name no queue carries (a typo that would leave the real job unhandled).
 */
export function assertEveryJobHandled(handlers: Partial<Record<string, unknown>>): void {
  const names = Object.values(JobName) as string[];
  const missing = names.filter((n) => typeof handlers[n] !== 'function');
  const unknown = Object.keys(handlers).filter((n) => !names.includes(n));
  if (missing.length) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
  if (unknown.length) throw new Error(`Handler(s) for unknown job(s): ${unknown.join(', ')}`);
}

/** The verifier's jobs as the shared JobQueue reads them. */
export type VerifierJobs = { [N in JobName]: { payload: JobPayloads[N]; result: JobResults[N] } };
export const VERIFIER_JOBS: JobCatalog<VerifierJobs> = { queueOf: JOB_QUEUE, idOf: JOB_ID };
