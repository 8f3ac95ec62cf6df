/**
 * The seam between services that finish asynchronous work (validations, inbound checks, signing
 * batches) and the webhook delivery that tells the calling system. A service checks a caller's
 * `callbackUrl` when the request arrives (refused → 422, never ignored) and enqueues one event when
 * the work is done; delivery (signing with the system's secret, retries, de-duplication by event id)
 * is the outbox implementation's business, so services never hold webhook secrets.
 */
export interface WebhookEvent {
  /** Unique per event: receivers de-duplicate on it (delivery is at-least-once). */
  id: string;
  /** e.g. `validation.completed`, `inbound.completed`, `signature-batch.completed`. */
  type: string;
  /** ISO 8601. */
  createdAt: string;
  data: unknown;
}

export interface WebhookRequest {
  /** The API key id of the system that asked (Caller.id of a `system` caller). */
  systemId: string;
  callbackUrl: string;
  event: WebhookEvent;
}

export interface WebhookOutbox {
  /** Resolves when `callbackUrl` can be honoured; rejects with a 422 problem (`CALLBACK_URL_REFUSED`) otherwise. */
  check(callbackUrl: string, systemId: string): Promise<void>;
  /** Queues the event for delivery; resolves once it is durably queued. */
  enqueue(request: WebhookRequest): Promise<void>;
}

/** Nest injection token for the WebhookOutbox. */
export const WEBHOOK_OUTBOX = Symbol('WEBHOOK_OUTBOX');
