import { JobQueue as SharedJobQueue, JobQueueOptions } from '@kyso/common';
import { JobsOf, QueueName, VERIFIER_JOBS, VerifierJobs } from './jobs';

export type { JobOutcome, JobQueueOptions } from '@kyso/common';

/** The shared BullMQ adapter (libs/common) over the verifier's job catalogue, one per queue. */
export class JobQueue<Q extends QueueName> extends SharedJobQueue<VerifierJobs, JobsOf<Q>> {
  declare readonly name: Q;

  constructor(name: Q, opts: JobQueueOptions) {
    super(name, VERIFIER_JOBS, opts);
  }
}
