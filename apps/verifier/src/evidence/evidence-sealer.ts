import type { Clock } from '@kyso/common';
import { SEAL_BATCH, toSeal, type RecordToSeal } from './validation-evidence';

/** The part of ValidationEvidence the sealer uses. */
export interface Sealing {
  /** One audit event for all the records; false when the registry did not take it. */
  sealAll(records: readonly RecordToSeal[]): Promise<boolean>;
}

/** Records held in memory for sealing at most; beyond, they wait in the database for the maintenance job. */
export const SEALER_MAX_WAITING = 1000;

/**
 * How long records wait for others before a seal starts (unless `batch` records are waiting
 * sooner): a seal starts at most once a second, so a steady load shares one event per second
 * between up to `batch` records, and the registry spends one request, one transaction and the
 * verifier one UPDATE on all of them. A record proves nothing until it is sealed, so this only
 * delays when it starts to: it is stored before the answer either way, and sealed within about a
 * second (the linger and the seal under way when it was kept).
 */
export const SEAL_LINGER_MS = 1000;

/**
 * Seals evidence records off the request path, in the order they were kept: the records kept during
 * the linger go in one audit event together (up to `batch` records), and the next seal starts a
 * linger after this one started, so a record costs a fraction of one event and one UPDATE. Nothing
 * is lost when a seal fails or the process stops: every record is already stored (unsealed) before
 * it is handed here, and the worker's repeatable maintenance job seals whatever is still unsealed.
 * After a failure (registry down) the records in hand are left to it.
 */
export class EvidenceSealer {
  private readonly waiting: RecordToSeal[] = [];
  private running?: Promise<void>;
  /** Ends the linger under way: a full batch is waiting, or someone waits for the seals (idle). */
  private endLinger?: () => void;
  /** Callers of idle(): while any waits, nothing lingers. */
  private flushing = 0;

  private readonly maxWaiting: number;
  private readonly batch: number;
  private readonly lingerMs: number;

  constructor(
    private readonly evidence: Sealing,
    private readonly clock: Clock,
    limits: { maxWaiting?: number; batch?: number; lingerMs?: number } = {},
  ) {
    this.maxWaiting = limits.maxWaiting ?? SEALER_MAX_WAITING;
    this.batch = limits.batch ?? SEAL_BATCH;
    this.lingerMs = limits.lingerMs ?? SEAL_LINGER_MS;
  }

  add(record: RecordToSeal): void {
    if (this.waiting.length >= this.maxWaiting) return;
    this.waiting.push(toSeal(record));
    this.running ??= this.drain();
    if (this.waiting.length >= this.batch) this.endLinger?.();
  }

  /** Seals the records in hand without waiting out the linger; resolves once they are sealed or given up (shutdown, tests). */
  async idle(): Promise<void> {
    this.flushing++;
    try {
      this.endLinger?.();
      while (this.running) await this.running;
    } finally {
      this.flushing--;
    }
  }

  private async drain(): Promise<void> {
    try {
      let due = this.now() + this.lingerMs;
      while (this.waiting.length) {
        const linger = this.lingerUntil(due);
        if (linger) await linger; // (no linger: this seal starts now, with what is in hand)
        due = this.now() + this.lingerMs;
        if (!(await this.evidence.sealAll(this.waiting.splice(0, this.batch)))) this.waiting.length = 0;
      }
    } finally {
      this.running = undefined;
    }
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** A wait until `due`, ended sooner by a full batch or idle(); undefined when there is none to make. */
  private lingerUntil(due: number): Promise<void> | undefined {
    const ms = due - this.now();
    if (ms <= 0 || this.flushing > 0 || this.waiting.length >= this.batch) return undefined;
    return new Promise<void>((ok) => {
      const timer = setTimeout(() => this.endLinger?.(), ms);
      this.endLinger = () => {
        clearTimeout(timer);
        this.endLinger = undefined;
        ok();
      };
    });
  }
}
