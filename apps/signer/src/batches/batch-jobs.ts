import type { JobCatalog } from '@kyso/common';

/** The signer's queue and jobs (style rule 15): a batch runs as one job, its id the batch's. */
export const SIGNATURE_BATCH_QUEUE = 'signature-batch';

export enum BatchJob {
  Run = 'run-signature-batch',
  /** Repeatable: deletes the results (files and rows) of batches past their expiry. */
  Sweep = 'sweep-signature-batches',
}

export type BatchJobs = {
  [BatchJob.Run]: { payload: { batchId: string }; result: void };
  [BatchJob.Sweep]: { payload: Record<string, never>; result: { removed: number } };
};

export const BATCH_JOBS: JobCatalog<BatchJobs> = {
  queueOf: { [BatchJob.Run]: SIGNATURE_BATCH_QUEUE, [BatchJob.Sweep]: SIGNATURE_BATCH_QUEUE },
  idOf: { [BatchJob.Run]: (p) => `batch-${p.batchId}`, [BatchJob.Sweep]: () => 'sweep-signature-batches' },
};
