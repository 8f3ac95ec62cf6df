import { ProblemError } from '@kyso/common';

export interface AdmissionLimits {
  /** Signing requests worked on at once (registry check, PDF, token). */
  maxInFlight: number;
  /** Requests allowed to wait for a place; beyond it: SIGNER_BUSY at once. */
  maxQueued: number;
  /** Longest wait for a place; then SIGNER_BUSY. */
  maxWaitMs: number;
}

/** 503 SIGNER_BUSY; `retryAfterSeconds` goes into Retry-After. */
export class SignerBusy extends ProblemError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(503, 'SIGNER_BUSY', 'Service unavailable', detail, { retryAfterSeconds });
  }
}

/**
 * Back-pressure for signing: a fixed number of requests in flight, a bounded first-come queue
 * behind them, and a bounded wait in it. Overload is answered at once with SIGNER_BUSY and a
 * Retry-After estimated from recent service times, never with an unbounded wait.
 */
export class Admission {
  private inFlight = 0;
  private readonly queue: Array<{ admit: () => void }> = [];
  /** Exponential moving average of how long an admitted request takes (ms). */
  private avgServiceMs = 50;

  constructor(private readonly limits: AdmissionLimits) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `work` once admitted; throws SignerBusy when the queue is full or the wait too long. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.avgServiceMs = 0.9 * this.avgServiceMs + 0.1 * (Date.now() - started);
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.inFlight < this.limits.maxInFlight && this.queue.length === 0) {
      this.inFlight++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.limits.maxQueued)
      return Promise.reject(
        this.busy(`${this.inFlight} signatures are in progress and ${this.queue.length} are waiting`),
      );
    return new Promise<void>((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(entry), 1);
        reject(this.busy(`no signing place became free within ${this.limits.maxWaitMs} ms`));
      }, this.limits.maxWaitMs);
      this.queue.push(entry);
    });
  }

  private leave(): void {
    const next = this.queue.shift();
    // The place passes straight to the next waiter: inFlight stays the same.
    if (next) next.admit();
    else this.inFlight--;
  }

  private busy(why: string): SignerBusy {
    const drainMs = ((this.queue.length + 1) * this.avgServiceMs) / this.limits.maxInFlight;
    const retryAfter = Math.min(60, Math.max(1, Math.ceil(drainMs / 1000)));
    return new SignerBusy(`The signer is busy: ${why}. Retry after ${retryAfter} s.`, retryAfter);
  }
}
