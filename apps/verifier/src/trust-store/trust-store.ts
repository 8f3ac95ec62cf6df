import { Logger } from '@nestjs/common';
import { Clock, InternalClient, malformedAnswer, ProblemError, RETRY_AFTER_SEC, SystemClock } from '@kyso/common';
import {
  TRUST_STORE_SNAPSHOT_PATH,
  TRUST_STORE_VERSION_PATH,
  TrustAnchorPurpose,
  trustStoreSnapshotAnswer,
  trustStoreVersionAnswer,
} from '@kyso/contracts';
import { Certificate } from '@kyso/pki';
import { AnchorSet, AnchorUse, TrustAnchorSource } from '../trust-anchors';
import { StoredTrustStore, TrustStoreRepository } from './trust-store.repository';

export const TRUST_STORE_UNAVAILABLE = 'TRUST_STORE_UNAVAILABLE';

/** No anchors at all yet (a new verifier whose registry is away): nothing can be judged, so 503. */
export function trustStoreUnavailable(): ProblemError {
  const message = `No trust anchors yet: the registry is unavailable; retry after ${RETRY_AFTER_SEC} s.`;
  const p = new ProblemError(503, TRUST_STORE_UNAVAILABLE, 'Service unavailable', message, {
    retryAfter: RETRY_AFTER_SEC,
    message,
    messageVi: `Chưa có danh sách chứng thư gốc tin cậy: dịch vụ đăng ký tạm thời không khả dụng; vui lòng thử lại sau ${RETRY_AFTER_SEC} giây.`,
  });
  // The readiness check's name: its probe notices (and logs) when a set is in hand again.
  p.dependency = 'trustStore';
  return p;
}

interface Loaded {
  store: StoredTrustStore;
  anchors: { certificate: Certificate; purpose: TrustAnchorPurpose }[];
}

export interface TrustStoreOptions {
  /**
   * How often the registry's version is asked (and the set refetched when it moved): the bound on
   * how long a disabled anchor may still anchor. 0: asked before every use (tests).
   */
  refreshMs: number;
  clock?: Clock;
}

/**
 * The registry's trust anchors, kept in the verifier's database so every instance shares them and
 * validations go on from the last fetched set while the registry is away (anchors change a few
 * times a year; a registry outage must not stop every validation). A timer asks the registry's
 * trust-store version every `refreshMs` and refetches the set only when it moved. Never an empty
 * list in place of an unknown one: with no set at all, uses fail with 503 TRUST_STORE_UNAVAILABLE.
 */
export class TrustStore extends TrustAnchorSource {
  private readonly logger = new Logger('TrustStore');
  private readonly clock: Clock;
  private current?: Loaded;
  private refreshing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  /** The last refresh's failure (logged once per outage), rethrown when there is no set at all. */
  private failure?: unknown;

  constructor(
    private readonly registry: InternalClient,
    private readonly repository: TrustStoreRepository,
    private readonly opts: TrustStoreOptions,
  ) {
    super();
    this.clock = opts.clock ?? new SystemClock();
  }

  /** Refreshes now (in the background: boot never waits for the registry) and then every `refreshMs`. */
  start(): void {
    void this.refresh();
    if (this.opts.refreshMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async get(use: AnchorUse = 'document-signing'): Promise<Certificate[]> {
    return (await this.anchorSet())[use === 'timestamping' ? 'timestamping' : 'documentSigning'];
  }

  override async anchorSet(): Promise<AnchorSet> {
    if (this.opts.refreshMs === 0 || !this.current) await this.refresh();
    const c = this.current;
    if (!c) {
      // A contract breach (502) says more than "unavailable"; anything else is the outage.
      if (this.failure instanceof ProblemError && this.failure.status === 502) throw this.failure;
      throw trustStoreUnavailable();
    }
    const of = (use: AnchorUse) =>
      c.anchors.filter((a) => a.purpose === use || a.purpose === 'any').map((a) => a.certificate);
    return {
      documentSigning: of('document-signing'),
      timestamping: of('timestamping'),
      trustStore: {
        version: c.store.version,
        changedAt: c.store.changedAt.toISOString(),
        fetchedAt: c.store.fetchedAt.toISOString(),
      },
    };
  }

  /** One refresh at a time per process; never throws (the last set stays in use). */
  refresh(): Promise<void> {
    this.refreshing ??= this.sync()
      .then(() => {
        if (this.failure) this.logger.log('the registry answers again: trust anchors refreshed');
        this.failure = undefined;
      })
      .catch(async (e: unknown) => {
        if (!this.failure) this.logger.warn(`trust anchors not refreshed, the stored set stays in use: ${describe(e)}`);
        this.failure = e;
        // Another instance may have fetched a newer set before the registry went away.
        await this.loadStored().catch(() => undefined);
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    const remote = await this.registry.json('GET', TRUST_STORE_VERSION_PATH, trustStoreVersionAnswer);
    const now = this.clock.now();
    if (this.current?.store.version !== remote.version) await this.loadStored();
    if (this.current?.store.version === remote.version) {
      await this.repository.confirm(remote.version, now);
      this.current.store.fetchedAt = now;
      return;
    }
    const snapshot = await this.registry.json('GET', TRUST_STORE_SNAPSHOT_PATH, trustStoreSnapshotAnswer);
    const store: StoredTrustStore = {
      version: snapshot.version,
      changedAt: new Date(snapshot.changedAt),
      fetchedAt: now,
      anchors: snapshot.anchors.map((a) => ({
        id: a.id,
        name: a.name,
        sha256: a.sha256,
        purpose: a.purpose,
        certificateDer: this.parse(a.id, a.certificatePem).der,
      })),
    };
    await this.repository.replace(store);
    this.current = this.loaded(store);
    this.logger.log(`trust store version ${store.version}: ${store.anchors.length} anchor(s)`);
  }

  private async loadStored(): Promise<void> {
    const stored = await this.repository.load();
    if (stored && stored.version !== this.current?.store.version) this.current = this.loaded(stored);
    else if (stored && this.current) this.current.store.fetchedAt = stored.fetchedAt;
  }

  private loaded(store: StoredTrustStore): Loaded {
    return {
      store,
      anchors: store.anchors.map((a) => ({ certificate: Certificate.fromDer(a.certificateDer), purpose: a.purpose })),
    };
  }

  private parse(id: string, pem: string): Certificate {
    try {
      return Certificate.parse(pem);
    } catch (e) {
      // Never skipped: a missing anchor would make its signatures look untrusted.
      throw malformedAnswer(this.registry.name, 'a trust anchor that is not a certificate', `${id}: ${e}`);
    }
  }
}

function describe(e: unknown): string {
  if (e instanceof ProblemError) return `${e.code}${e.logDetail ? ` (${e.logDetail})` : ''}`;
  return e instanceof Error ? e.message : String(e);
}
