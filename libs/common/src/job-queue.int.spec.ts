import { randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import { JobQueue } from './job-queue';

type Jobs = { echo: { payload: { id: string; value: string }; result: { echoed: string } } };

/** JobQueue.waitFor against a real Redis (127.0.0.1:6379, as every integration test here). */
describe('JobQueue.waitFor', () => {
  const queues: JobQueue<Jobs>[] = [];
  const open = () => {
    const q = new JobQueue<Jobs>(
      'echo',
      { queueOf: { echo: 'echo' }, idOf: { echo: (p) => p.id } },
      {
        redisUrl: process.env.KYSO_REDIS_URL ?? 'redis://127.0.0.1:6379',
        prefix: `kyso-test-${randomUUID()}`,
        attempts: 1,
        backoffMs: 100,
        keepCompletedSec: 60,
        keepFailedSec: 60,
      },
    );
    queues.push(q);
    return q;
  };
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  it('gives the result of a job that finished long before the wait', async () => {
    const q = open();
    await q.process({ echo: async (p) => ({ echoed: p.value }) }, { concurrency: 1 });
    expect(await q.run('echo', { id: 'a', value: 'first' }, 5_000)).toEqual({
      state: 'completed',
      result: { echoed: 'first' },
    });
    expect(await q.waitFor('a', 5_000)).toEqual({ state: 'completed', result: { echoed: 'first' } });
  });

  it('gives the result of a job that finishes between reading the job and reading its state', async () => {
    const q = open();
    await q.add('echo', { id: 'b', value: 'late' });
    // The job is read while it waits (no result yet); it is then processed to the end before its
    // state is read, as when a worker finishes it at that moment.
    const getState = Job.prototype.getState;
    jest.spyOn(Job.prototype, 'getState').mockImplementationOnce(async function (this: Job) {
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      await q.process({ echo: async (p) => ({ echoed: p.value }) }, { concurrency: 1, onCompleted: () => done() });
      await finished;
      return getState.call(this);
    });
    expect(await q.waitFor('b', 5_000)).toEqual({ state: 'completed', result: { echoed: 'late' } });
  });
});
