import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { badRequest, Caller, Clock, notFound, unprocessable, WEBHOOK_OUTBOX, type WebhookOutbox } from '@kyso/common';
import { PDF_LIMITS, pdfSha256, type DocumentReport } from '@kyso/pki';
import { checkCallbackUrl } from './completion-webhook';
import { FastValidation } from './fast-path/fast-validation';
import type { InboundOutcome } from './inbound/inbound-result';
import { PdfValidator, formatErrorCode } from './pdf-validator';
import type { Upload } from './upload-storage';
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

/** Submits documents for validation and reads results; the worker validates what the fast path leaves. */
@Injectable()
export class ValidationService {
  constructor(
    private readonly validations: ValidationRepository,
    private readonly queue: ValidationQueue,
    private readonly pdf: PdfValidator,
    private readonly clock: Clock,
    @Inject(WEBHOOK_OUTBOX) private readonly outbox: WebhookOutbox,
    @Optional() private readonly fast?: FastValidation,
  ) {}

  /**
   * Checks that it is a PDF (and that `callbackUrl` can be honoured), stores it as the caller's,
   * enqueues and waits up to `waitSeconds` for the report. A big upload arrives as a file
   * (upload-storage.ts): only its head is read here, and it goes to Postgres from the file. With
   * `callbackUrl`, the worker also POSTs the result there when the validation ends, whatever this
   * answer was.
   */
  async submit(
    upload: Upload,
    waitSeconds: number,
    caller: Caller,
    fileName?: string,
    callbackUrl?: string,
  ): Promise<ValidationResult> {
    // In memory: a small upload, or one from a file the fast path may take (a raised bound).
    const inMemory =
      upload.buffer ?? (upload.path && this.fast?.takes(upload.size) ? await readFile(upload.path) : undefined);
    try {
      await this.pdf.checkIsPdf(inMemory ?? (await head(upload)));
    } catch (e) {
      const code = formatErrorCode(e);
      if (!code) throw e;
      if (code === 'EMPTY_FILE') throw badRequest('EMPTY_FILE', 'The uploaded file is empty.');
      throw unprocessable('INVALID_PDF', `The file is not a PDF: ${(e as Error).message}`, { reason: code });
    }
    await checkCallbackUrl(this.outbox, callbackUrl, caller);
    const id = randomUUID();
    const owner = ownerOf(caller);
    // A caller that waits for a small document with cached revocation is answered in-process;
    // wait=0 (asynchronous), big documents, those needing downloads and those with a callback (the
    // worker sends it) go through the queue.
    const here = waitSeconds > 0 && this.fast && inMemory && callbackUrl === undefined;
    // An upload kept in memory comes unhashed: one judged here is hashed along with its signed
    // byte ranges (read for the judgement anyway), any other alone.
    const documentSha256 =
      upload.sha256 ??
      (here && this.fast!.takes(upload.size)
        ? pdfSha256(inMemory!).toString('hex')
        : createHash('sha256').update(inMemory!).digest('hex'));
    if (here) {
      const report = await this.fast!.tryValidate({ id, document: inMemory!, documentSha256, owner, fileName });
      if (report) return { id, status: 'done', report };
    }
    const document = inMemory ?? { path: upload.path!, size: upload.size };
    await this.validations.create({ id, document, documentSha256, owner, fileName, callbackUrl });
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

/** The bytes the PDF header check reads, from a big upload's file. */
async function head(upload: Upload): Promise<Uint8Array> {
  const file = await open(upload.path!, 'r');
  try {
    const buf = Buffer.alloc(Math.min(PDF_LIMITS.headerWindow, upload.size));
    await file.read(buf, 0, buf.length, 0);
    return buf;
  } finally {
    await file.close();
  }
}
