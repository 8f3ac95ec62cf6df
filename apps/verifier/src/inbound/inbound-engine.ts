import { createHash } from 'node:crypto';
import type { DocumentReport } from '@kyso/pki';
import type { ValidationEvidence } from '../evidence/validation-evidence';
import { PdfValidator } from '../pdf-validator';
import type { QueuedRevocationFetcher } from '../revocation/queued-fetcher';
import { InRequestRevocation, inRequestRevocation } from '../revocation/in-request';
import { TrustAnchorSource } from '../trust-anchors';

/**
 * The verifier's PDF validation for the documents of an inbound package, run in the request: the
 * registry's trust anchors (document signing, timestamping), revocation through the revocation
 * workers and their CRL/OCSP caches, missing intermediates through AIA caIssuers — the engine the
 * worker uses, so an attached PDF gets the report it would get alone. With `evidence`, each document
 * is kept as the worker keeps a validated PDF (issue 10, 14.3): earlier sealed records of the same
 * bytes are its proofs of existence, and its report is recorded under the inbound check's id.
 */
export class InboundEngine {
  constructor(
    private readonly pdf: PdfValidator,
    private readonly anchors: TrustAnchorSource,
    private readonly revocation: InRequestRevocation,
    private readonly evidence?: ValidationEvidence,
  ) {}

  /** Throws the PdfValidator's format error when the bytes are not a PDF at all. */
  checkIsPdf(bytes: Uint8Array): Promise<void> {
    return this.pdf.checkIsPdf(bytes);
  }

  async validate(bytes: Uint8Array, validationId: string): Promise<DocumentReport> {
    const trustAnchors = await this.anchors.get('document-signing');
    const anchors = { documentSigning: trustAnchors, timestamping: await this.anchors.get('timestamping') };
    const fetchers: QueuedRevocationFetcher[] = [];
    const { policy, issuerFetcher } = inRequestRevocation(this.revocation, trustAnchors, fetchers);
    const proofs = await this.evidence?.proofsFor(createHash('sha256').update(bytes).digest('hex'));
    const report = await this.pdf.verify(bytes, anchors, this.revocation.clock.now(), policy, {
      issuerFetcher,
      proofsOfExistence: proofs,
    });
    const fetches = fetchers.flatMap((f) => f.fetches);
    await this.evidence?.record({ validationId, pdf: bytes, report, trustAnchors, fetches });
    return report;
  }
}
