import { createHash, randomUUID } from 'node:crypto';
import { badRequest, Caller, Clock, notFound, unprocessable, type WebhookOutbox } from '@kyso/common';
import { firstPageText } from '@kyso/pki';
import { checkCallbackUrl, INBOUND_COMPLETED, queueCompletion } from '../completion-webhook';
import { formatErrorCode } from '../pdf-validator';
import { ValidationRepository } from '../validation.repository';
import { mayRead, ownerOf } from '../validation-owner';
import { looksLikeXml, PackageAttachment, PackageFormatError, parseEdxml } from './edxml';
import { InboundEngine } from './inbound-engine';
import type { InboundDocument, InboundHeader, InboundOutcome } from './inbound-result';
import { CheckedAttachment, judgeInbound } from './inbound-rules';
import { buildNotice } from './notice';
import { renderNoticePdf } from './notice-pdf';
import { holderKind } from './holder-kind';
import { parseSender } from './sender';

export type InboundResult = { id: string; status: 'done'; kind: 'inbound' } & InboundOutcome;

const PUBLIC_PREFIX = '/api/v1';

/**
 * The records office's check of a document received from another agency (Art 31, R27, R31): an edXML
 * package, or a bare PDF with what the sender claims in `sender`. Each attached document is validated
 * by the verifier's engine, the regulation's rules are applied (inbound-rules.ts), and the result is
 * stored as the caller's validation, done at once; a rejection carries the notice for the sender.
 * With a `callbackUrl`, the answer is also queued as an `inbound.completed` webhook.
 */
export class InboundService {
  constructor(
    private readonly validations: ValidationRepository,
    private readonly engine: InboundEngine,
    private readonly clock: Clock,
    private readonly outbox: WebhookOutbox,
  ) {}

  async check(
    upload: Uint8Array,
    fileName: string | null,
    senderField: string | undefined,
    caller: Caller,
    callbackUrl?: string,
  ): Promise<InboundResult & { noticePdf: string | null }> {
    if (upload.length === 0) throw badRequest('EMPTY_FILE', 'The uploaded file is empty.');
    await checkCallbackUrl(this.outbox, callbackUrl, caller);
    const { format, header, attachments } = await this.read(upload, fileName, senderField);
    const id = randomUUID();
    const checked: CheckedAttachment[] = [];
    const documents: InboundDocument[] = [];
    // One after another: each validation is CPU-bound, and a package has at most a few files.
    for (const a of attachments) {
      const report = (await this.isPdf(a.bytes)) ? await this.engine.validate(a.bytes, id) : null;
      checked.push({ name: a.name, report, firstPageText: report ? firstPageText(a.bytes) : '' });
      documents.push(documentOf(a, report));
    }
    const reasons = judgeInbound(header, checked);
    const now = this.clock.now();
    const outcome: InboundOutcome = {
      decision: reasons.length ? 'rejected' : 'accepted',
      format,
      header,
      documents,
      reasons,
      notice: reasons.length ? buildNotice(header, reasons, id, now) : null,
    };
    await this.validations.recordInbound({
      id,
      documentSha256: sha256(upload),
      owner: ownerOf(caller),
      fileName,
      outcome,
      finishedAt: now,
      callbackUrl,
    });
    const answer = {
      id,
      status: 'done' as const,
      kind: 'inbound' as const,
      ...outcome,
      noticePdf: outcome.notice ? `${PUBLIC_PREFIX}/validations/${id}/notice.pdf` : null,
    };
    await queueCompletion(
      this.outbox,
      { callbackUrl, caller, type: INBOUND_COMPLETED, validationId: id, at: now },
      answer,
    );
    return answer;
  }

  /** The rejection notice as a PDF, for whoever may read the validation (else 404 as for unknown ids). */
  async noticePdf(id: string, caller: Caller): Promise<Uint8Array> {
    const v = await this.validations.find(id);
    if (!v || !mayRead(caller, v.owner)) throw notFound('VALIDATION_NOT_FOUND', `No validation with id ${id}.`);
    if (!v.inbound?.notice)
      throw notFound('NOTICE_NOT_FOUND', `Validation ${id} is not a rejected inbound check: it has no notice.`);
    return renderNoticePdf(v.inbound.notice);
  }

  private async read(
    upload: Uint8Array,
    fileName: string | null,
    senderField: string | undefined,
  ): Promise<{ format: 'edxml' | 'pdf'; header: InboundHeader; attachments: PackageAttachment[] }> {
    if (looksLikeXml(upload)) {
      if (senderField !== undefined)
        throw badRequest('INVALID_FIELD', 'An edXML package names its sender in its header: leave "sender" out.', {
          field: 'sender',
        });
      try {
        return { format: 'edxml', ...parseEdxml(upload) };
      } catch (e) {
        if (!(e instanceof PackageFormatError)) throw e;
        throw unprocessable('INVALID_PACKAGE', e.message, { reason: e.reason });
      }
    }
    if (!(await this.isPdf(upload)))
      throw unprocessable('INVALID_PACKAGE', 'The file is neither a PDF nor an edXML package.', {
        reason: 'NOT_PDF_OR_EDXML',
      });
    const attachment = { name: fileName ?? 'document.pdf', contentType: 'application/pdf', description: null };
    return {
      format: 'pdf',
      header: parseSender(senderField),
      attachments: [{ ...attachment, contentId: null, bytes: upload }],
    };
  }

  private async isPdf(bytes: Uint8Array): Promise<boolean> {
    try {
      await this.engine.checkIsPdf(bytes);
      return true;
    } catch (e) {
      if (formatErrorCode(e)) return false;
      throw e;
    }
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function documentOf(a: PackageAttachment, report: InboundDocument['report']): InboundDocument {
  const valid = report?.signatures.filter((s) => s.indication === 'TOTAL-PASSED') ?? [];
  const kinds = valid.map((s) => holderKind(s.signer));
  return {
    name: a.name,
    contentType: a.contentType,
    size: a.bytes.length,
    sha256: sha256(a.bytes),
    report,
    personalSignatures: kinds.filter((k) => k === 'person').length,
    organisationSignatures: kinds.filter((k) => k === 'organisation').length,
  };
}
