import type { DocumentReport } from '@kyso/pki';
import { PdfValidator } from '../pdf-validator';
import { InRequestRevocation, inRequestRevocation } from '../revocation/in-request';
import { TrustAnchorSource } from '../trust-anchors';

/**
 * The verifier's PDF validation for the documents of an inbound package, run in the request: the
 * registry's trust anchors (document signing, timestamping), revocation through the revocation
 * workers and their CRL/OCSP caches, missing intermediates through AIA caIssuers — the engine the
 * worker uses, so an attached PDF gets the report it would get alone.
 */
export class InboundEngine {
  constructor(
    private readonly pdf: PdfValidator,
    private readonly anchors: TrustAnchorSource,
    private readonly revocation: InRequestRevocation,
  ) {}

  /** Throws the PdfValidator's format error when the bytes are not a PDF at all. */
  checkIsPdf(bytes: Uint8Array): Promise<void> {
    return this.pdf.checkIsPdf(bytes);
  }

  async validate(bytes: Uint8Array): Promise<DocumentReport> {
    const trustAnchors = await this.anchors.get('document-signing');
    const anchors = { documentSigning: trustAnchors, timestamping: await this.anchors.get('timestamping') };
    const { policy, issuerFetcher } = inRequestRevocation(this.revocation, trustAnchors);
    return this.pdf.verify(bytes, anchors, this.revocation.clock.now(), policy, { issuerFetcher });
  }
}
