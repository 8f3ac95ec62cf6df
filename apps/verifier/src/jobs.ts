import { createHash } from 'node:crypto';

/**
 * Queue and job names in one place, each job's payload and result tied to its name. A validation's
 * job id is the validation id, so submitting the same validation twice never runs it twice; a CRL
 * fetch's job id is derived from its URL, so concurrent validations share one download.
 */
export enum QueueName {
  Validation = 'validation',
  Revocation = 'revocation',
}

export enum JobName {
  ValidatePdf = 'validate-pdf',
  FetchCrl = 'fetch-crl',
  FetchOcsp = 'fetch-ocsp',
}

export interface JobPayloads {
  [JobName.ValidatePdf]: { validationId: string };
  [JobName.FetchCrl]: { url: string };
  /** `request`: the DER OCSPRequest, base64. */
  [JobName.FetchOcsp]: { url: string; request: string };
}

export interface JobResults {
  [JobName.ValidatePdf]: void;
  /** The CRL itself is in the cache table; the result says what was stored (ISO times). */
  [JobName.FetchCrl]: { fetchedAt: string; thisUpdate: string; nextUpdate: string | null; fromCache: boolean };
  /** `response`: the DER OCSPResponse, base64 (OCSP answers are nonce'd, so never cached). */
  [JobName.FetchOcsp]: { response: string; fetchedAt: string };
}

/** Which queue carries each job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.ValidatePdf]: QueueName.Validation,
  [JobName.FetchCrl]: QueueName.Revocation,
  [JobName.FetchOcsp]: QueueName.Revocation,
};

export type JobHandlers = { [N in JobName]: (payload: JobPayloads[N]) => Promise<JobResults[N]> };

/**
 * The job id of a CRL download: one per URL while it is queued or running. (BullMQ refuses ":" in
 * custom ids, hence "crl-" rather than "crl:".)
 */
export function crlJobId(url: string): string {
  return `crl-${createHash('sha256').update(url).digest('hex')}`;
}

/** Fails at boot when a job has no handler (a typo or a forgotten registration). */
export function assertEveryJobHandled(handlers: Partial<Record<string, unknown>>): void {
  const missing = Object.values(JobName).filter((n) => typeof handlers[n] !== 'function');
  if (missing.length) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
}
