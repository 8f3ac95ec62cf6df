import type { TrustAnchorPurpose } from '@kyso/contracts';
import type { Certificate } from '@kyso/pki';

/** The purposes an anchor is used for: a timestamping anchor never anchors a document signature. */
export type AnchorUse = Exclude<TrustAnchorPurpose, 'any'>;

/** Which trust-store version a validation used, as its report says (ISO times). */
export interface TrustStoreStamp {
  /** The registry's trust-store version (bumped by every add, disable, enable, removal). */
  version: number;
  /** When the registry last changed the set. */
  changedAt: string;
  /** When a verifier last confirmed with the registry that this version is current. */
  fetchedAt: string;
}

/** The anchors of one trust-store version, by use. */
export interface AnchorSet {
  documentSigning: Certificate[];
  timestamping: Certificate[];
  /** Absent for sources without versions (tests of other concerns). */
  trustStore?: TrustStoreStamp;
}

export abstract class TrustAnchorSource {
  /** The anchors trusted for `use` (default document signing): those of that purpose and those for any. */
  abstract get(use?: AnchorUse): Promise<Certificate[]>;

  /** Both uses from one version of the set, and which version it is. */
  async anchorSet(): Promise<AnchorSet> {
    return { documentSigning: await this.get('document-signing'), timestamping: await this.get('timestamping') };
  }
}
