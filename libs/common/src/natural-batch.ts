/**
 * Shares statements between concurrent calls without a timer: a call made while no batch is in
 * flight goes at once, alone (one caller's latency unchanged); calls made meanwhile wait for it and
 * then go together, up to `max` at a time. If a batch fails, its items are run one by one, so one
 * bad item fails only its own caller.
 */
export class NaturalBatch<T, R> {
  private readonly waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private busy = false;

  constructor(
    private readonly runMany: (items: T[]) => Promise<R[]>,
    private readonly runOne: (item: T) => Promise<R>,
    private readonly max = 32,
  ) {}

  run(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, this.max);
      if (batch.length === 1) {
        const [w] = batch;
        await this.runOne(w.item).then(w.resolve, w.reject);
        continue;
      }
      let results: R[] | undefined;
      try {
        results = await this.runMany(batch.map((w) => w.item));
      } catch {
        // Each alone: its own error (or success) for each caller.
        await Promise.all(batch.map((w) => this.runOne(w.item).then(w.resolve, w.reject)));
      }
      if (results) batch.forEach((w, i) => w.resolve(results[i]));
    }
    this.busy = false;
  }
}
