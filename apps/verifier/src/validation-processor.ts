import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Clock, SystemClock } from '@kyso/common';
import type { Certificate, IssuerFetcher } from '@kyso/pki';
import { ValidationEvidence } from './evidence/validation-evidence';
import { PdfValidator, formatErrorCode, RevocationPolicy } from './pdf-validator';
import { QueuedRevocationFetcher } from './revocation/queued-fetcher';
import { validationRevocationPolicy } from './revocation/revocation-policy';
import { TrustAnchorSource } from './trust-anchors';
import { ValidationRepository } from './validation.repository';

/** Revocation as the worker does it; absent: not checked at all (tests of other concerns). */
export interface ProcessorRevocation {
  /** A fresh fetcher per signature (it records what it fetched, for the report). */
  fetcher: () => QueuedRevocationFetcher;
  required: boolean;
  /** AIA caIssuers downloads for a signer's missing intermediates, one per validation. */
  issuerFetcher: () => IssuerFetcher;
}

/**
 * The worker's job: validate one stored document against the registry's trust anchors and keep the
 * report. A damaged PDF gets a report too; only bytes that are not a PDF at all (which the API
 * refuses before storing) end as status failed, with their code. Anything else is thrown so the
 * queue retries with backoff (e.g. the registry is down). With `evidence`, earlier sealed records of
 * the same bytes are proofs of existence, and each finished validation is recorded (issue 10).
 */
export class ValidationProcessor {
  private readonly logger = new Logger('ValidationProcessor');

  constructor(
    private readonly validations: ValidationRepository,
    private readonly anchors: TrustAnchorSource,
    private readonly pdf: PdfValidator,
    private readonly revocation?: ProcessorRevocation,
    private readonly clock: Clock = new SystemClock(),
    private readonly evidence?: ValidationEvidence,
  ) {}

  async process(validationId: string): Promise<void> {
    const current = await this.validations.find(validationId);
    if (!current || current.status !== 'pending') return; // unknown or already finished: nothing to redo
    const document = await this.validations.loadDocument(validationId);
    if (!document) {
      await this.validations.markFailed(validationId, 'DOCUMENT_MISSING', this.clock.now());
      return;
    }
    const trustAnchors = await this.anchors.get('document-signing');
    const anchors = { documentSigning: trustAnchors, timestamping: await this.anchors.get('timestamping') };
    const fetchers: QueuedRevocationFetcher[] = [];
    try {
      const proofs = await this.evidence?.proofsFor(createHash('sha256').update(document).digest('hex'));
      const report = await this.pdf.verify(
        document,
        anchors,
        this.clock.now(),
        this.revocationPolicy(trustAnchors, fetchers),
        { issuerFetcher: this.revocation?.issuerFetcher(), proofsOfExistence: proofs },
      );
      // Before markDone: a failure to store the evidence retries the job rather than lose the record.
      const fetches = fetchers.flatMap((f) => f.fetches);
      await this.evidence?.record({ validationId, pdf: document, report, trustAnchors, fetches });
      await this.validations.markDone(validationId, report, this.clock.now());
    } catch (e) {
      const code = formatErrorCode(e);
      if (!code) throw e;
      this.logger.warn(`validation ${validationId}: unreadable PDF (${code})`);
      await this.validations.markFailed(validationId, code, this.clock.now());
    }
  }

  /** `fetchers` collects every fetcher made, so the evidence keeps what was fetched. */
  private revocationPolicy(
    trustAnchors: Certificate[],
    fetchers: QueuedRevocationFetcher[],
  ): RevocationPolicy | undefined {
    return validationRevocationPolicy(this.revocation, trustAnchors, fetchers, this.clock);
  }

  /** Called when retries are exhausted: the validation must not stay pending forever. */
  async giveUp(validationId: string, errorCode: string): Promise<void> {
    const current = await this.validations.find(validationId);
    if (current?.status === 'pending') await this.validations.markFailed(validationId, errorCode, this.clock.now());
  }
}
