import { ReadinessCheck, runChecks } from './health';

export interface DependencyState {
  state: 'up' | 'down';
  /** When the current state began (ISO time); absent while a dependency has never failed. */
  since?: string;
}

export interface MonitorLog {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * Remembers which dependencies are down. A failure is logged once when the dependency goes (warn)
 * and once when it is back (info), however many requests fail meanwhile; while down, its readiness
 * check is retried every `probeIntervalMs` so recovery is noticed (and logged) without traffic.
 */
export class DependencyMonitor {
  private readonly states = new Map<string, { down: boolean; since: Date; timer?: NodeJS.Timeout }>();
  private probes: Record<string, ReadinessCheck> = {};
  private closed = false;

  constructor(
    private readonly logger: MonitorLog,
    private readonly probeIntervalMs = 1_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The readiness checks, by dependency name: used to notice recovery. */
  setProbes(probes: Record<string, ReadinessCheck>): void {
    this.probes = { ...this.probes, ...probes };
  }

  reportDown(name: string, cause: string): void {
    const s = this.states.get(name);
    if (s?.down || this.closed) return;
    this.states.set(name, { down: true, since: this.now() });
    this.logger.warn(`${name} unavailable: ${cause}; answering 503 until it is back`);
    this.scheduleProbe(name);
  }

  reportUp(name: string): void {
    const s = this.states.get(name);
    if (!s?.down) return;
    clearTimeout(s.timer);
    const seconds = Math.round((this.now().getTime() - s.since.getTime()) / 100) / 10;
    this.states.set(name, { down: false, since: this.now() });
    this.logger.log(`${name} available again after ${seconds} s`);
  }

  isDown(name: string): boolean {
    return this.states.get(name)?.down ?? false;
  }

  /** Every dependency with a readiness check or a failure so far. */
  snapshot(): Record<string, DependencyState> {
    const names = new Set([...Object.keys(this.probes), ...this.states.keys()]);
    return Object.fromEntries(
      [...names].map((n) => {
        const s = this.states.get(n);
        return [n, s ? { state: s.down ? 'down' : 'up', since: s.since.toISOString() } : { state: 'up' }];
      }),
    );
  }

  close(): void {
    this.closed = true;
    for (const s of this.states.values()) clearTimeout(s.timer);
  }

  private scheduleProbe(name: string): void {
    const probe = this.probes[name];
    const s = this.states.get(name);
    if (!probe || !s?.down || this.closed) return;
    s.timer = setTimeout(async () => {
      const { ok } = await runChecks({ [name]: probe });
      if (ok) this.reportUp(name);
      else this.scheduleProbe(name);
    }, this.probeIntervalMs);
    s.timer.unref();
  }
}
