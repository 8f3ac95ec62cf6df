import { Clock, InternalClient, SystemClock } from '@kyso/common';
import { Certificate } from '@kyso/pki';

/** As the registry lists them (`GET /trust-anchors`). */
export interface TrustAnchorView {
  id: string;
  name: string;
  sha256: string;
  subject: string;
  certificatePem: string;
}

export abstract class TrustAnchorSource {
  abstract get(): Promise<Certificate[]>;
}

/**
 * The registry's trust anchors, reused for `ttlMs`: every job needs them and they rarely change.
 * A registry outage is an error (the job retries), never an empty anchor list that would make
 * every signature look untrusted.
 */
export class RegistryTrustAnchors extends TrustAnchorSource {
  private cached?: { at: number; anchors: Certificate[] };
  private inflight?: Promise<Certificate[]>;

  constructor(
    private readonly registry: InternalClient,
    private readonly ttlMs: number,
    private readonly clock: Clock = new SystemClock(),
  ) {
    super();
  }

  async get(): Promise<Certificate[]> {
    if (this.cached && this.clock.now().getTime() - this.cached.at < this.ttlMs) return this.cached.anchors;
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<Certificate[]> {
    const list = await this.registry.json<TrustAnchorView[]>('GET', '/trust-anchors');
    const anchors = list.map((a) => Certificate.parse(a.certificatePem));
    this.cached = { at: this.clock.now().getTime(), anchors };
    return anchors;
  }
}
