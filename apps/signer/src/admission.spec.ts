import { Admission, SignerBusy } from './admission';

const deferred = () => {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { done, release };
};

describe('Admission', () => {
  it('runs up to maxInFlight at once, queues up to maxQueued, refuses beyond with SIGNER_BUSY', async () => {
    const a = new Admission({ maxInFlight: 2, maxQueued: 2, maxWaitMs: 10_000 });
    const gates = Array.from({ length: 4 }, deferred);
    let running = 0;
    let peak = 0;
    const jobs = gates.map((g) =>
      a.run(async () => {
        peak = Math.max(peak, ++running);
        await g.done;
        running--;
      }),
    );
    await Promise.resolve();
    expect(a.waiting).toBe(2);
    const refused = await a.run(async () => 'ran').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SignerBusy);
    expect((refused as SignerBusy).toProblem()).toMatchObject({ status: 503, code: 'SIGNER_BUSY' });
    expect((refused as SignerBusy).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    gates.forEach((g) => g.release());
    await Promise.all(jobs);
    expect(peak).toBe(2);
    expect(await a.run(async () => 'ran')).toBe('ran');
  });

  it('gives up a wait after maxWaitMs instead of waiting without bound', async () => {
    const a = new Admission({ maxInFlight: 1, maxQueued: 5, maxWaitMs: 50 });
    const g = deferred();
    const holder = a.run(() => g.done);
    const started = Date.now();
    await expect(a.run(async () => 'late')).rejects.toBeInstanceOf(SignerBusy);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(a.waiting).toBe(0);
    g.release();
    await holder;
  });

  it('frees the place when the work fails', async () => {
    const a = new Admission({ maxInFlight: 1, maxQueued: 0, maxWaitMs: 10 });
    await expect(a.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await a.run(async () => 'ok')).toBe('ok');
  });
});
