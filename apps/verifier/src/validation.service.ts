import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { badRequest, Caller, Clock, notFound, unprocessable, WEBHOOK_OUTBOX, type WebhookOutbox } from '@kyso/common';
import type { DocumentReport } from '@kyso/pki';
import { checkCallbackUrl } from './completion-webhook';
import type { InboundOutcome } from './inbound/inbound-result';
import { PdfValidator, formatErrorCode } from './pdf-validator';
import { ValidationQueue } from './validation-queue';
import { ValidationRepository, ValidationView } from './validation.repository';
import { mayRead, ownerOf } from './validation-owner';

/** Stored for a validation whose job could not be queued (the caller got a 503 with this code). */
export const QUEUE_UNAVAILABLE = 'QUEUE_UNAVAILABLE';

export type ValidationResult =
  | { id: string; status: 'done'; report: DocumentReport }
  | { id: string; status: 'pending' }
  | { id: string; status: 'failed'; error: { code: string } }
  | ({ id: string; status: 'done'; kind: 'inbound' } & InboundOutcome);

/** Submits documents for validation and reads results; the worker does the validating. */
@Injectable()
export class ValidationService {
  constructor(
    private readonly validations: ValidationRepository,
    private readonly queue: ValidationQueue,
    private readonly pdf: PdfValidator,
    private readonly clock: Clock,
    @Inject(WEBHOOK_OUTBOX) private readonly outbox: WebhookOutbox,
  ) {}

  /**
   * Checks that it is a PDF (and that `callbackUrl` can be honoured), stores it as the caller's,
   * enqueues and waits up to `waitSeconds` for the report. With `callbackUrl`, the worker also POSTs
   * the result there when the validation ends, whatever this answer was.
   */
  async submit(
    document: Uint8Array,
    waitSeconds: number,
    caller: Caller,
    fileName?: string,
    callbackUrl?: string,
  ): Promise<ValidationResult> {
    try {
      await this.pdf.checkIsPdf(document);
    } catch (e) {
      const code = formatErrorCode(e);
      if (!code) throw e;
      if (code === 'EMPTY_FILE') throw badRequest('EMPTY_FILE', 'The uploaded file is empty.');
      throw unprocessable('INVALID_PDF', `The file is not a PDF: ${(e as Error).message}`, { reason: code });
    }
    await checkCallbackUrl(this.outbox, callbackUrl, caller);
    const id = randomUUID();
    const documentSha256 = createHash('sha256').update(document).digest('hex');
    await this.validations.create({ id, document, documentSha256, owner: ownerOf(caller), fileName, callbackUrl });
    await this.queue.enqueue(id).catch(async (e: unknown) => {
      // The caller is told 503 (Redis is down): the stored document must not wait for a job that
      // was never queued, so it ends failed, with the same code, and its bytes are dropped.
      await this.validations.markFailed(id, QUEUE_UNAVAILABLE, this.clock.now());
      throw e;
    });
    if (waitSeconds > 0) await this.queue.waitFor(id, waitSeconds);
    return this.get(id, caller);
  }

  /** Another organisation's validation is answered as unknown (404), so its id tells nothing. */
  async get(id: string, caller: Caller): Promise<ValidationResult> {
    const v = await this.validations.find(id);
    if (!v || !mayRead(caller, v.owner)) throw notFound('VALIDATION_NOT_FOUND', `No validation with id ${id}.`);
    return toResult(v);
  }
}

/** What callers see of a validation: in answers, and as the data of its `validation.completed` webhook. */
export function toResult(v: ValidationView): ValidationResult {
  if (v.kind === 'inbound' && v.inbound) return { id: v.id, status: 'done', kind: 'inbound', ...v.inbound };
  if (v.status === 'done' && v.report) return { id: v.id, status: 'done', report: v.report };
  if (v.status === 'failed') return { id: v.id, status: 'failed', error: { code: v.errorCode ?? 'VALIDATION_FAILED' } };
  return { id: v.id, status: 'pending' };
}
