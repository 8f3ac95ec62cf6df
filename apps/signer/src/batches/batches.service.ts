import { Inject, Injectable } from '@nestjs/common';
import {
  badRequest,
  Caller,
  Clock,
  JobQueue,
  notFound,
  ProblemError,
  unprocessable,
  WEBHOOK_OUTBOX,
  type WebhookOutbox,
} from '@kyso/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, ReadStream } from 'node:fs';
import { RegistryClient } from '../registry-client';
import { refusalProblem } from '../signing-problems';
import { SigningGate } from '../signing-gate';
import { parseSignPdfFields } from '../signing-input';
import { batchTooManyFiles, type BatchConfig } from './batch-config';
import { BatchFiles } from './batch-files';
import { BatchJob, BatchJobs } from './batch-jobs';
import { BATCH_CONFIG } from './batch-runner';
import { Batch, BatchStore } from './batch-store';
import { batchView, BatchViewDto } from './batch-view';

export const BATCH_QUEUE = Symbol('BATCH_QUEUE');

/** Fields that are the caller's credential or delivery, never kept with the batch's signing fields. */
const NOT_KEPT = new Set(['pin', 'session', 'signingSession', 'callbackUrl']);

export interface Upload {
  path: string;
  originalname: string;
  size: number;
}

export interface SubmitBatch {
  uploads: Upload[];
  body: Record<string, unknown>;
  caller: Caller;
  requestId: string;
  callbackUrl?: string;
}

const sha256File = (path: string) =>
  new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });

/**
 * Accepts batches (the fields checked as for one signature, the PIN spent once on a signing
 * session of `total` uses), and shows them to the system or operator that submitted them only.
 */
@Injectable()
export class BatchesService {
  constructor(
    private readonly store: BatchStore,
    private readonly files: BatchFiles,
    private readonly registry: RegistryClient,
    private readonly gate: SigningGate,
    private readonly clock: Clock,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    @Inject(BATCH_QUEUE) private readonly queue: JobQueue<BatchJobs>,
    @Inject(WEBHOOK_OUTBOX) private readonly outbox: WebhookOutbox,
  ) {}

  async submit(s: SubmitBatch): Promise<{ id: string }> {
    const total = s.uploads.length;
    if (!total) throw badRequest('MISSING_FIELD', 'The form field "files" (the PDFs) is required', { field: 'files' });
    if (total > this.config.maxFiles) throw batchTooManyFiles(this.config.maxFiles);
    const bytes = s.uploads.reduce((n, u) => n + u.size, 0);
    if (bytes > this.config.maxTotalBytes)
      throw new ProblemError(
        413,
        'BATCH_TOO_LARGE',
        'Payload too large',
        `A batch's documents total at most ${this.config.maxTotalBytes} bytes`,
        { maxBytes: this.config.maxTotalBytes },
      );
    const fields = parseSignPdfFields(s.body);
    if ('pin' in fields.credential && fields.credential.session !== undefined)
      throw badRequest('CONFLICTING_FIELDS', 'A batch opens its own signing session: leave "session" out', {
        field: 'session',
      });
    if (s.callbackUrl !== undefined) await this.checkCallback(s.callbackUrl, s.caller);

    const sessionToken = await this.sessionFor(s, fields, total);
    const id = randomUUID();
    const kept = Object.fromEntries(
      Object.entries(s.body).filter(([k, v]) => !NOT_KEPT.has(k) && typeof v === 'string' && v !== ''),
    ) as Record<string, string>;
    const batch: Batch = {
      id,
      status: 'pending',
      caller: s.caller,
      fields: kept,
      sessionToken,
      callbackUrl: s.callbackUrl ?? null,
      total,
      requestId: s.requestId,
      createdAt: this.clock.now(),
      finishedAt: null,
      expiresAt: null,
    };
    await this.files.adopt(
      id,
      s.uploads.map((u) => u.path),
    );
    try {
      await this.store.create(
        batch,
        s.uploads.map((u) => ({ fileName: u.originalname.slice(0, 255), size: u.size })),
      );
      await this.queue.add(BatchJob.Run, { batchId: id });
    } catch (e) {
      // Not queued: nothing of it may run later (the caller will submit again).
      await this.store.remove(id).catch(() => undefined);
      await this.files.remove(id);
      throw e;
    }
    return { id };
  }

  async view(id: string, caller: Caller): Promise<BatchViewDto> {
    const batch = await this.owned(id, caller);
    return batchView(batch, await this.store.items(id));
  }

  /** The signed PDF of a done item, while the batch's results are kept. */
  async result(
    id: string,
    index: number,
    caller: Caller,
  ): Promise<{ stream: ReadStream; size: number; signatureId: string; fileName: string }> {
    const batch = await this.owned(id, caller);
    const item = Number.isSafeInteger(index) ? await this.store.item(id, index) : undefined;
    if (!item) throw notFound('BATCH_ITEM_NOT_FOUND', `The batch has no document ${index}`);
    if (batch.expiresAt && batch.expiresAt <= this.clock.now())
      throw new ProblemError(
        410,
        'BATCH_RESULT_EXPIRED',
        'Gone',
        `The results expired at ${batch.expiresAt.toISOString()}`,
      );
    if (item.status === 'failed')
      throw new ProblemError(409, 'BATCH_ITEM_FAILED', 'Conflict', 'This document was not signed', {
        error: item.error,
      });
    const out = item.status === 'done' ? await this.files.openOutput(id, index) : undefined;
    if (!out)
      throw new ProblemError(409, 'BATCH_ITEM_NOT_READY', 'Conflict', 'This document is not signed yet', {
        retryAfter: 2,
      });
    return { ...out, signatureId: item.signatureId!, fileName: item.fileName };
  }

  /** Another caller's batch is as absent as one that never was. */
  private async owned(id: string, caller: Caller): Promise<Batch> {
    const batch = await this.store.get(id);
    if (!batch || batch.caller.kind !== caller.kind || batch.caller.id !== caller.id)
      throw notFound('BATCH_NOT_FOUND', 'No such signing batch');
    return batch;
  }

  private async checkCallback(callbackUrl: string, caller: Caller): Promise<void> {
    if (caller.kind !== 'system')
      throw unprocessable('CALLBACK_URL_REFUSED', 'Only a system (API key) can receive webhooks', {
        field: 'callbackUrl',
      });
    await this.outbox.check(callbackUrl, caller.id);
  }

  /**
   * With the PIN: the registry checks it now and opens a signing session of `total` uses, bound to
   * this certificate, official and caller, which the items spend (the worker never sees the PIN).
   * A refusal is audited for every document, as one signature per document would have been.
   */
  private async sessionFor(
    s: SubmitBatch,
    fields: ReturnType<typeof parseSignPdfFields>,
    total: number,
  ): Promise<string> {
    const c = fields.credential;
    if ('signingSession' in c) return c.signingSession;
    const req = { certificateId: fields.certificateId, actingOfficialId: fields.actingOfficialId };
    const auth = await this.registry.authorize({ ...req, pin: c.pin, session: total }, s.requestId, s.caller);
    if (auth.allowed && (auth.signingSession?.remainingUses ?? 0) >= total) return auth.signingSession!.token!;
    const refusal = auth.allowed
      ? ({
          code: 'SIGNING_NOT_ALLOWED',
          reason: 'BATCH_EXCEEDS_SESSION',
          message: `The registry allows at most ${auth.signingSession?.remainingUses ?? 0} signatures for one PIN`,
          messageVi: `Mỗi lần nhập mã PIN chỉ được ký tối đa ${auth.signingSession?.remainingUses ?? 0} văn bản`,
        } as const)
      : ({ code: 'SIGNING_NOT_ALLOWED', reason: auth.code, message: auth.message, messageVi: auth.messageVi } as const);
    const signing = {
      ...req,
      credential: c,
      requestId: s.requestId,
      caller: s.caller,
      purpose: fields.appearance?.purpose,
    };
    for (const u of s.uploads) await this.gate.refuse(signing, await sha256File(u.path), refusal);
    throw refusalProblem(refusal);
  }
}
