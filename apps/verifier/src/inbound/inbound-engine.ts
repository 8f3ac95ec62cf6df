import { Clock } from '@kyso/common';
import type { DocumentReport } from '@kyso/pki';
import type { RevocationConfig } from '../config';
import { PdfValidator, RevocationPolicy } from '../pdf-validator';
import { CaIssuersCache } from '../revocation/ca-issuers-cache.repository';
import { CrlCache } from '../revocation/crl-cache.repository';
import { OcspCache } from '../revocation/ocsp-cache.repository';
import { QueuedRevocationFetcher } from '../revocation/queued-fetcher';
import { QueuedIssuerFetcher } from '../revocation/queued-issuer-fetcher';
import { verifierRevocationChecker } from '../revocation/revocation-checker';
import { RevocationJobs } from '../revocation/revocation-queue';
import { TrustAnchorSource } from '../trust-anchors';

/** The revocation caches and workers an inbound check asks, as PDF and CMS validation do. */
export interface InboundRevocation {
  crls: CrlCache;
  ocsps: OcspCache;
  issuers: CaIssuersCache;
  jobs: RevocationJobs;
  config: RevocationConfig;
}

/**
 * The verifier's PDF validation for the documents of an inbound package, run in the request: the
 * registry's trust anchors (document signing, timestamping), revocation through the revocation
 * workers and their CRL/OCSP caches (bounded by the configured wait), missing intermediates through
 * AIA caIssuers — the engine the worker uses, so an attached PDF gets the report it would get alone.
 */
export class InboundEngine {
  constructor(
    private readonly pdf: PdfValidator,
    private readonly anchors: TrustAnchorSource,
    private readonly revocation: InboundRevocation,
    private readonly clock: Clock,
  ) {}

  /** Throws the PdfValidator's format error when the bytes are not a PDF at all. */
  checkIsPdf(bytes: Uint8Array): Promise<void> {
    return this.pdf.checkIsPdf(bytes);
  }

  async validate(bytes: Uint8Array): Promise<DocumentReport> {
    const trustAnchors = await this.anchors.get('document-signing');
    const anchors = { documentSigning: trustAnchors, timestamping: await this.anchors.get('timestamping') };
    const { crls: cache, ocsps: ocspCache, issuers, jobs, config: rev } = this.revocation;
    const clock = this.clock;
    const policy: RevocationPolicy = {
      checker: () =>
        verifierRevocationChecker(
          new QueuedRevocationFetcher({
            cache,
            jobs,
            crlMaxAgeMs: rev.crlMaxAgeMs,
            ocspCache,
            ocspMaxAgeMs: rev.ocspMaxAgeMs,
            waitMs: rev.waitMs,
            clock,
          }),
          trustAnchors,
          () => clock.now(),
        ),
      required: rev.required,
    };
    const issuerFetcher = new QueuedIssuerFetcher({
      cache: issuers,
      jobs,
      maxAgeMs: rev.caIssuersMaxAgeMs,
      waitMs: rev.waitMs,
      clock,
    });
    return this.pdf.verify(bytes, anchors, clock.now(), policy, { issuerFetcher });
  }
}
