import { createHmac, randomBytes } from 'node:crypto';
import type { PinHasher } from '../certificates/pin-hasher';

/** A pre-check is for the signature whose document is arriving now: a 100 MB upload takes a second or two. */
export const PIN_PRECHECK_TTL_MS = 30_000;
/** Few signatures arrive at once; the bound keeps a burst of pre-checks from holding scrypt's memory without end. */
export const PIN_PRECHECK_MAX_HELD = 64;

export interface PinPrecheckOptions {
  ttlMs: number;
  maxHeld: number;
  now: () => number;
}

interface Held {
  /** undefined when the check failed to run (the authorisation then runs its own). */
  outcome: Promise<boolean | undefined>;
  expiresAt: number;
}

/**
 * PIN checks started ahead of the authorisation, so that scrypt runs while the signer still
 * receives a big document. Effect-free: an outcome is held in this process's memory only, never
 * answered, counted or audited; the authorisation takes it (once) in place of its own scrypt run
 * and applies every effect as before. Held under an HMAC with a per-process random key of
 * (certificate id, stored hash, PIN): no PIN is kept in clear, and a PIN changed in between
 * (another stored hash) finds nothing.
 */
export class PinPrechecks {
  private readonly key = randomBytes(32);
  private readonly held = new Map<string, Held>();
  private readonly opts: PinPrecheckOptions;

  constructor(
    private readonly pins: PinHasher,
    opts: Partial<PinPrecheckOptions> = {},
  ) {
    this.opts = { ttlMs: PIN_PRECHECK_TTL_MS, maxHeld: PIN_PRECHECK_MAX_HELD, now: Date.now, ...opts };
  }

  /** Starts checking `pin` against `storedHash` unless the same check is held or too many are. */
  start(certificateId: string, storedHash: string, pin: string): void {
    const now = this.opts.now();
    this.sweep(now);
    const id = this.idOf(certificateId, storedHash, pin);
    if (this.held.has(id) || this.held.size >= this.opts.maxHeld) return;
    const outcome = this.pins.verify(pin, storedHash).catch(() => undefined);
    this.held.set(id, { outcome, expiresAt: now + this.opts.ttlMs });
  }

  /** Whether `pin` matches `storedHash`: the held outcome when there is one (awaited if still running), else scrypt now. */
  async verify(certificateId: string, storedHash: string, pin: string): Promise<boolean> {
    const id = this.idOf(certificateId, storedHash, pin);
    const held = this.held.get(id);
    if (held) {
      this.held.delete(id);
      if (held.expiresAt > this.opts.now()) {
        const outcome = await held.outcome;
        if (outcome !== undefined) return outcome;
      }
    }
    return this.pins.verify(pin, storedHash);
  }

  /** How many are held (tests, metrics). */
  get size(): number {
    return this.held.size;
  }

  /** Entries are in insertion order and share one TTL: the expired ones are at the front. */
  private sweep(now: number): void {
    for (const [id, h] of this.held) {
      if (h.expiresAt > now) return;
      this.held.delete(id);
    }
  }

  private idOf(certificateId: string, storedHash: string, pin: string): string {
    return createHmac('sha256', this.key)
      .update(JSON.stringify([certificateId, storedHash, pin]))
      .digest('base64');
  }
}
