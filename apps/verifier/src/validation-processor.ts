import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Clock, SystemClock, webhookEvent, type WebhookOutbox } from '@kyso/common';
import type { Certificate, IssuerFetcher } from '@kyso/pki';
import { VALIDATION_COMPLETED } from './completion-webhook';
import { ValidationEvidence } from './evidence/validation-evidence';
import { PdfValidator, formatErrorCode, RevocationPolicy } from './pdf-validator';
import { QueuedRevocationFetcher } from './revocation/queued-fetcher';
import { validationRevocationPolicy } from './revocation/revocation-policy';
import { TrustAnchorSource } from './trust-anchors';
import { withVerifierFacts } from './verifier-report';
import { ValidationRepository, ValidationView } from './validation.repository';
import { toResult } from './validation.service';

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
    private readonly outbox?: WebhookOutbox,
  ) {}

  async process(validationId: string): Promise<void> {
    const current = await this.validations.find(validationId);
    if (!current) return;
    // Already finished: nothing to redo, but the worker may have died before queuing the webhook
    // (the event id is the same, so queue and receiver recognise a second one).
    if (current.status !== 'pending') return this.notify(current);
    const document = await this.validations.loadDocument(validationId);
    if (document) await this.validate(validationId, document);
    else await this.validations.markFailed(validationId, 'DOCUMENT_MISSING', this.clock.now());
    await this.notify(await this.validations.find(validationId));
  }

  /** Stores the report, or the failure code of bytes that are not a PDF; throws what a retry may mend. */
  private async validate(validationId: string, document: Uint8Array): Promise<void> {
    // Both uses from one trust-store version, named in the report (the stored set while the registry is away).
    const { trustStore, ...anchors } = await this.anchors.anchorSet();
    const trustAnchors = anchors.documentSigning;
    const fetchers: QueuedRevocationFetcher[] = [];
    try {
      const proofs = await this.evidence?.proofsFor(createHash('sha256').update(document).digest('hex'));
      const now = this.clock.now();
      const report = withVerifierFacts(
        await this.pdf.verify(document, anchors, now, this.revocationPolicy(trustAnchors, fetchers), {
          issuerFetcher: this.revocation?.issuerFetcher(),
          proofsOfExistence: proofs,
        }),
        trustStore,
        now,
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
    if (current?.status !== 'pending') return;
    await this.validations.markFailed(validationId, errorCode, this.clock.now());
    await this.notify(await this.validations.find(validationId));
  }

  /** Queues the `validation.completed` event of a finished validation that asked for one. */
  private async notify(v: ValidationView | undefined): Promise<void> {
    if (!this.outbox || !v?.callbackUrl || v.owner?.callerKind !== 'system' || v.status === 'pending') return;
    await this.outbox.enqueue({
      systemId: v.owner.callerId,
      callbackUrl: v.callbackUrl,
      event: webhookEvent(VALIDATION_COMPLETED, v.id, toResult(v), v.finishedAt ?? this.clock.now()),
    });
  }
}
