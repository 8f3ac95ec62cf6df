import type { EvidenceRecord } from './evidence-record';
import { SEAL_BATCH } from './validation-evidence';

/** The part of ValidationEvidence the sealer uses. */
export interface Sealing {
  /** One audit event for all the records; false when the registry did not take it. */
  sealAll(records: readonly EvidenceRecord[]): Promise<boolean>;
}

/** Records held in memory for sealing at most; beyond, they wait in the database for the maintenance job. */
export const SEALER_MAX_WAITING = 1000;

/**
 * How long the first record waits for others before a seal starts: a few validations' time, so one
 * client's successive validations share an event too. A record proves nothing until sealed, so
 * this only delays when it starts to.
 */
export const SEAL_LINGER_MS = 50;

/**
 * Seals evidence records off the request path, in the order they were kept: the records kept during
 * the linger and while the previous seal was under way go in one audit event together (up to
 * `batch` records), so a record costs a fraction of one event and one UPDATE. Nothing is lost when
 * a seal fails or the process stops: every record is already stored (unsealed) before it is handed
 * here, and the worker's repeatable maintenance job seals whatever is still unsealed. After a
 * failure (registry down) the records in hand are left to it.
 */
export class EvidenceSealer {
  private readonly waiting: EvidenceRecord[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly evidence: Sealing,
    private readonly maxWaiting = SEALER_MAX_WAITING,
    private readonly batch = SEAL_BATCH,
    private readonly lingerMs = SEAL_LINGER_MS,
  ) {}

  add(record: EvidenceRecord): void {
    if (this.waiting.length >= this.maxWaiting) return;
    this.waiting.push(record);
    this.running ??= this.drain();
  }

  /** Resolves once the records in hand are sealed or given up (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      if (this.lingerMs > 0) await new Promise((ok) => setTimeout(ok, this.lingerMs));
      while (this.waiting.length) {
        if (!(await this.evidence.sealAll(this.waiting.splice(0, this.batch)))) this.waiting.length = 0;
      }
    } finally {
      this.running = undefined;
    }
  }
}
