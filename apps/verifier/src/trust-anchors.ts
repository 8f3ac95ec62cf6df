import { InternalClient, malformedAnswer } from '@kyso/common';
import { TRUST_ANCHORS_PATH, trustAnchorsAnswer } from '@kyso/contracts';
import { Certificate } from '@kyso/pki';

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
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async get(): Promise<Certificate[]> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.anchors;
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<Certificate[]> {
    const list = await this.registry.json('GET', TRUST_ANCHORS_PATH, trustAnchorsAnswer);
    const anchors = list.map((a) => {
      try {
        return Certificate.parse(a.certificatePem);
      } catch (e) {
        // Never skipped: a missing anchor would make its signatures look untrusted.
        throw malformedAnswer(this.registry.name, 'a trust anchor that is not a certificate', `${a.id}: ${e}`);
      }
    });
    this.cached = { at: this.now(), anchors };
    return anchors;
  }
}
