import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Clock,
  dependencyFailure,
  ProblemDetails,
  ProblemError,
  WEBHOOK_OUTBOX,
  webhookEvent,
  type WebhookOutbox,
} from '@kyso/common';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { refusalProblem, tokenProblem } from '../signing-problems';
import { parseSignPdfFields, type SignPdfFields } from '../signing-input';
import { SigningService } from '../signing.service';
import type { BatchConfig } from './batch-config';
import { BatchFiles } from './batch-files';
import { Batch, BatchItem, BatchStore } from './batch-store';
import { batchView } from './batch-view';

export const BATCH_CONFIG = Symbol('BATCH_CONFIG');
export const BATCH_COMPLETED = 'signature-batch.completed';

/** Failures of the service, not of the document: the job is retried later (BullMQ backoff) from where it stopped. */
function transient(e: unknown): boolean {
  return !!dependencyFailure(e) || (e instanceof ProblemError && (e.status === 502 || e.status === 503));
}

const asProblem = (e: unknown): ProblemDetails =>
  (e instanceof ProblemError
    ? e
    : new ProblemError(500, 'SIGNING_FAILED', 'Internal server error', 'The document could not be signed')
  ).toProblem();

/**
 * Signs a batch's documents one after the other through the single-signature path (the same gate,
 * audit and levels), each succeeding or failing on its own.
 *
 * Crash safety: an item moves pending → signing (with a fresh attempt id, the request id of its
 * signature event) → done | failed. The signed PDF is stored (whole, renamed into place) before
 * the gate records the signature, and the item is marked done after. A worker resuming an item
 * found `signing` looks for the attempt's signature record: with it (and so its stored result) the
 * item is done; without it no signature was delivered or recorded, so any stored result is
 * dropped and the document signed again. Hence each document has at most one recorded signature
 * and one result. A re-signed document spends one more use of the signing session.
 */
@Injectable()
export class BatchRunner {
  private readonly log = new Logger('batches');

  constructor(
    private readonly store: BatchStore,
    private readonly files: BatchFiles,
    private readonly signing: SigningService,
    private readonly clock: Clock,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    @Inject(WEBHOOK_OUTBOX) private readonly outbox: WebhookOutbox,
  ) {}

  async run(batchId: string): Promise<void> {
    const batch = await this.store.get(batchId);
    if (!batch || batch.status === 'done') return;
    await this.store.markRunning(batchId);
    // The batch's fields (checked at submission) hold for every document: parsed once, when the
    // first document is to be signed (a batch whose documents are all settled may have no session left).
    let fields: SignPdfFields | undefined;
    for (const item of await this.store.items(batchId)) {
      if (item.status === 'done' || item.status === 'failed') continue;
      if (item.status === 'signing' && (await this.settled(batch, item))) continue;
      fields ??= parseSignPdfFields({ ...batch.fields, signingSession: batch.sessionToken ?? '' });
      await this.sign(batch, item, fields);
    }
    await this.complete(batchId);
  }

  /** After the last attempt failed (a dependency down for good): what is not finished fails with it. */
  async abandon(batchId: string, reason: string): Promise<void> {
    const batch = await this.store.get(batchId);
    if (!batch || batch.status === 'done') return;
    const error = new ProblemError(503, 'BATCH_ABANDONED', 'Service unavailable', reason.slice(0, 300)).toProblem();
    for (const item of await this.store.items(batchId)) {
      if (item.status === 'signing' && (await this.settled(batch, item))) continue;
      if (item.status === 'pending' || item.status === 'signing')
        await this.store.failItem(batchId, item.index, null, error);
    }
    await this.complete(batchId);
  }

  /** An item found `signing`: done if its attempt made a signature record, else it is signed again. */
  private async settled(batch: Batch, item: BatchItem): Promise<boolean> {
    const signatureId = item.attemptId ? await this.store.signatureOf(item.attemptId) : undefined;
    if (signatureId) {
      if (!(await this.files.hasOutput(batch.id, item.index))) {
        // The result is stored before the record: only a lost disk gets here.
        await this.store.failItem(batch.id, item.index, item.attemptId, {
          ...asProblem(new ProblemError(500, 'RESULT_LOST', 'Internal server error', 'The signed PDF was lost')),
          signatureId,
        });
        return true;
      }
      await this.store.finishItem(batch.id, item.index, item.attemptId!, signatureId);
      return true;
    }
    await this.files.removeOutput(batch.id, item.index);
    this.log.warn(`batch ${batch.id}: document ${item.index} was interrupted before its signature; signing it again`);
    return false;
  }

  private async sign(batch: Batch, item: BatchItem, fields: SignPdfFields): Promise<void> {
    const attemptId = randomUUID();
    if (!(await this.store.startItem(batch.id, item.index, attemptId, item.attemptId))) return;
    const pdf = await readFile(this.files.input(batch.id, item.index));
    let error: ProblemDetails;
    try {
      const result = await this.signing.signPdf({
        pdf,
        ...fields,
        requestId: attemptId,
        caller: batch.caller,
        beforeRecord: (update) => this.files.keepOutput(batch.id, item.index, pdf, update),
      });
      if (result.outcome === 'signed') {
        await this.store.finishItem(batch.id, item.index, attemptId, result.signatureId);
        return;
      }
      error = refusalProblem(result.refusal).toProblem();
    } catch (e) {
      const p = tokenProblem(e);
      // Left `signing`: the next attempt settles it as above.
      if (transient(p)) throw p;
      this.log.error(`batch ${batch.id}: document ${item.index} failed: ${(e as Error).message}`);
      error = asProblem(p);
    }
    await this.store.failItem(batch.id, item.index, attemptId, error);
  }

  /**
   * Tells the caller (webhook) before the batch is marked done: a crash between the two repeats the
   * event with the same id (derived from the event type and the batch, as for validations).
   */
  private async complete(batchId: string): Promise<void> {
    const batch = (await this.store.get(batchId))!;
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.resultTtlMs);
    if (batch.callbackUrl && batch.caller.kind === 'system') {
      const items = await this.store.items(batchId);
      await this.outbox.enqueue({
        systemId: batch.caller.id,
        callbackUrl: batch.callbackUrl,
        event: webhookEvent(
          BATCH_COMPLETED,
          batch.id,
          batchView({ ...batch, status: 'done', finishedAt: now, expiresAt }, items),
          now,
        ),
      });
    }
    await this.store.finish(batchId, now, expiresAt);
  }

  /** Deletes the batches (rows and files) whose results have expired. */
  async sweep(): Promise<{ removed: number }> {
    const ids = await this.store.expired(this.clock.now());
    for (const id of ids) {
      await this.files.remove(id);
      await this.store.remove(id);
    }
    return { removed: ids.length };
  }
}
