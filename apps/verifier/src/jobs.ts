/**
 * Queue and job names in one place, each job's payload tied to its name. A validation's job id is
 * the validation id, so submitting the same validation twice never runs it twice.
 */
export enum QueueName {
  Validation = 'validation',
}

export enum JobName {
  ValidatePdf = 'validate-pdf',
}

export interface JobPayloads {
  [JobName.ValidatePdf]: { validationId: string };
}

/** Which queue carries each job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.ValidatePdf]: QueueName.Validation,
};

export type JobHandlers = { [N in JobName]: (payload: JobPayloads[N]) => Promise<void> };

/** Fails at boot when a job has no handler (a typo or a forgotten registration). */
export function assertEveryJobHandled(handlers: Partial<Record<string, unknown>>): void {
  const missing = Object.values(JobName).filter((n) => typeof handlers[n] !== 'function');
  if (missing.length) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
}
