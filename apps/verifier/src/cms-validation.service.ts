import { createHash, randomUUID } from 'node:crypto';
import { badRequest, Caller, unprocessable, type WebhookOutbox } from '@kyso/common';
import { PkiFormatError, verifyCms, type DocumentReport } from '@kyso/pki';
import { checkCallbackUrl, queueCompletion, VALIDATION_COMPLETED } from './completion-webhook';
import { inRequestRevocation, type InRequestRevocation } from './revocation/in-request';
import { TrustAnchorSource } from './trust-anchors';
import { withVerifierFacts } from './verifier-report';
import { ValidationRepository } from './validation.repository';
import { ownerOf } from './validation-owner';

/**
 * CAdES / CMS validation, synchronous: a CMS is small and its content is hashed once as it is read,
 * so the request is answered with the report (status done) instead of going through the PDF job
 * queue. Revocation is asked through the same revocation workers and caches as PDF validation
 * (the downloads run in the worker; this waits for them, bounded by `waitMs`). The result is stored
 * like a PDF validation, owned by the caller, and readable through GET /validations/{id}; with a
 * `callbackUrl` the result is also queued as a `validation.completed` webhook.
 */
export class CmsValidationService {
  constructor(
    private readonly validations: ValidationRepository,
    private readonly anchors: TrustAnchorSource,
    private readonly revocation: InRequestRevocation,
    private readonly outbox: WebhookOutbox,
  ) {}

  async validate(
    signature: Uint8Array,
    content: Uint8Array | undefined,
    caller: Caller,
    fileName?: string,
    callbackUrl?: string,
  ): Promise<{ id: string; status: 'done'; report: DocumentReport }> {
    if (signature.length === 0) throw badRequest('EMPTY_FILE', 'The signature file is empty.');
    await checkCallbackUrl(this.outbox, callbackUrl, caller);
    const { trustStore, documentSigning: trustAnchors, timestamping } = await this.anchors.anchorSet();
    const { clock } = this.revocation;
    const { policy, issuerFetcher } = inRequestRevocation(this.revocation, trustAnchors);
    let report: DocumentReport;
    try {
      report = await verifyCms(signature, content, {
        trustAnchors,
        timestampTrustAnchors: timestamping,
        validationTime: clock.now(),
        revocationChecker: policy.checker,
        requireRevocation: policy.required,
        issuerFetcher,
      });
    } catch (e) {
      if (!(e instanceof PkiFormatError)) throw e;
      throw unprocessable('INVALID_CMS', `The signature is not a CMS SignedData: ${e.message}`, { reason: e.code });
    }
    report = withVerifierFacts(report, trustStore, clock.now());
    const id = randomUUID();
    const documentSha256 = createHash('sha256').update(signature).digest('hex');
    await this.validations.create({
      id,
      document: signature,
      documentSha256,
      owner: ownerOf(caller),
      kind: 'cms',
      fileName,
      callbackUrl,
    });
    const finishedAt = clock.now();
    await this.validations.markDone(id, report, finishedAt);
    const result = { id, status: 'done' as const, report };
    await queueCompletion(
      this.outbox,
      { callbackUrl, caller, type: VALIDATION_COMPLETED, validationId: id, at: finishedAt },
      result,
    );
    return result;
  }
}
