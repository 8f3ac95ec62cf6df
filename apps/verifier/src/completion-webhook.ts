import { Caller, unavailable, webhookEvent, type WebhookOutbox, webhookSystemId } from '@kyso/common';

/** The event a PDF or CMS validation with a `callbackUrl` ends with; its data is the validation's result. */
export const VALIDATION_COMPLETED = 'validation.completed';
/** The event an inbound check with a `callbackUrl` ends with; its data is the check's answer. */
export const INBOUND_COMPLETED = 'inbound.completed';

/** Refuses (422 CALLBACK_URL_REFUSED) a `callbackUrl` that cannot be honoured, before any work is done. */
export async function checkCallbackUrl(
  outbox: WebhookOutbox,
  callbackUrl: string | undefined,
  caller: Caller,
): Promise<void> {
  if (callbackUrl !== undefined) await outbox.check(callbackUrl, webhookSystemId(caller));
}

/**
 * Queues the event of a check answered at once (CMS, inbound), under an id derived from the
 * validation's as the worker does for PDFs. The result is already stored: when the queue is away the
 * caller is told (503) rather than answered as if the callback would come.
 */
export async function queueCompletion(
  outbox: WebhookOutbox,
  request: { callbackUrl: string | undefined; caller: Caller; type: string; validationId: string; at: Date },
  data: unknown,
): Promise<void> {
  const { callbackUrl, caller, type, validationId, at } = request;
  if (callbackUrl === undefined) return;
  const systemId = webhookSystemId(caller);
  await outbox.enqueue({ systemId, callbackUrl, event: webhookEvent(type, validationId, data, at) }).catch(() => {
    throw unavailable(
      'WEBHOOK_UNAVAILABLE',
      `Validation ${validationId} is done and stored (GET /validations/${validationId}), but its callback could ` +
        'not be queued; read the result there, or submit again.',
    );
  });
}
