import { Clock, InternalClient, malformedAnswer, SystemClock } from '@kyso/common';
import { TRUST_ANCHORS_PATH, TrustAnchorPurpose, trustAnchorsAnswer } from '@kyso/contracts';
import { Certificate } from '@kyso/pki';

/** The purposes an anchor is used for: a timestamping anchor never anchors a document signature. */
export type AnchorUse = Exclude<TrustAnchorPurpose, 'any'>;

export abstract class TrustAnchorSource {
  /** The anchors trusted for `use` (default document signing): those of that purpose and those for any. */
  abstract get(use?: AnchorUse): Promise<Certificate[]>;
}

type Anchor = { certificate: Certificate; purpose: TrustAnchorPurpose };

/**
 * The registry's trust anchors, reused for `ttlMs`: every job needs them and they rarely change.
 * A registry outage is an error (the job retries), never an empty anchor list that would make
 * every signature look untrusted.
 */
export class RegistryTrustAnchors extends TrustAnchorSource {
  private cached?: { at: number; anchors: Anchor[] };
  private inflight?: Promise<Anchor[]>;

  constructor(
    private readonly registry: InternalClient,
    private readonly ttlMs: number,
    private readonly clock: Clock = new SystemClock(),
  ) {
    super();
  }

  async get(use: AnchorUse = 'document-signing'): Promise<Certificate[]> {
    let all: Anchor[];
    if (this.cached && this.clock.now().getTime() - this.cached.at < this.ttlMs) all = this.cached.anchors;
    else {
      this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
      all = await this.inflight;
    }
    return all.filter((a) => a.purpose === use || a.purpose === 'any').map((a) => a.certificate);
  }

  private async fetch(): Promise<Anchor[]> {
    const list = await this.registry.json('GET', TRUST_ANCHORS_PATH, trustAnchorsAnswer);
    const anchors = list.map((a) => {
      try {
        return { certificate: Certificate.parse(a.certificatePem), purpose: a.purpose };
      } catch (e) {
        // Never skipped: a missing anchor would make its signatures look untrusted.
        throw malformedAnswer(this.registry.name, 'a trust anchor that is not a certificate', `${a.id}: ${e}`);
      }
    });
    this.cached = { at: this.clock.now().getTime(), anchors };
    return anchors;
  }
}
