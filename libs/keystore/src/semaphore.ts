import { KeyStoreError } from './errors';

/**
 * Counts free PKCS#11 sessions. Waiters are served first come, first served; a waiter gives up
 * after a bounded time with SESSION_POOL_TIMEOUT rather than queueing forever behind a stuck token.
 */
export class Semaphore {
  private readonly waiters: Array<{ grant: () => void }> = [];

  constructor(private free: number) {}

  get available(): number {
    return this.free;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(timeoutMs: number): Promise<void> {
    // Only take a permit directly when nobody queues ahead: keeps the order fair.
    if (this.free > 0 && this.waiters.length === 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new KeyStoreError('SESSION_POOL_TIMEOUT', `No PKCS#11 session became free within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.free++;
  }
}
