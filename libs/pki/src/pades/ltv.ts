import {
  EmbeddedEvidence,
  embeddedRevocationChecker,
  hasEvidence,
  mergeEvidence,
  noEvidence,
} from '../revocation/embedded';
import { CombinedRevocationChecker } from '../revocation/ocsp';
import type { RevocationChecker } from '../revocation/types';
import { Certificate } from '../x509/certificate';
import { archivedRevocationInfo } from './timestamps';

/**
 * The revocation sources of one document: its own evidence (PAdES B-LT/B-LTA: the DSS/VRI; CAdES
 * B-LT: the SignedData's certificates and crls) and each signature's adbe-revocationInfoArchival
 * are offered before the caller's checker (which may fetch), so a document that carries its
 * evidence validates offline. The evidence is judged as fetched
 * evidence is, as of the time asked: the proof of existence when there is one.
 */
export class LtvSources {
  /** Certificates from the DSS, offered to path building (a B-LT file may carry the CAs only there). */
  readonly certificates: Certificate[];

  constructor(
    private readonly dss: EmbeddedEvidence,
    private readonly opts: {
      trustAnchors: readonly Certificate[];
      revocationChecker?: () => RevocationChecker;
      requireRevocation?: boolean;
    },
    private readonly validationTime: Date,
  ) {
    this.certificates = this.dss.certs.flatMap((der) => {
      try {
        return [Certificate.fromDer(der)];
      } catch {
        return []; // untrusted data: a broken entry is no evidence
      }
    });
  }

  /**
   * Revocation for the paths of the signature whose /Contents are given (its own archive is
   * added), or of a TSA (null). Undefined when there is neither evidence nor a checker.
   */
  revocationFor(contents: Uint8Array | null): { checker: RevocationChecker; required: boolean } | undefined {
    const evidence = mergeEvidence(this.dss, contents ? archivedRevocationInfo(contents) : noEvidence());
    const checkers: RevocationChecker[] = [];
    if (hasEvidence(evidence))
      checkers.push(
        embeddedRevocationChecker(evidence, { trustAnchors: this.opts.trustAnchors, clock: () => this.validationTime }),
      );
    if (this.opts.revocationChecker) checkers.push(this.opts.revocationChecker());
    if (checkers.length === 0) return undefined;
    return {
      checker: checkers.length === 1 ? checkers[0] : new CombinedRevocationChecker(checkers),
      required: this.opts.requireRevocation ?? true,
    };
  }
}
