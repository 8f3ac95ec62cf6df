import { createHash, createHmac } from 'node:crypto';
import type { WebhookEvent } from './events';

/** The header with the signature, `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Kyso-Signature';
/** The event id again, so a receiver can de-duplicate before parsing the body. */
export const WEBHOOK_EVENT_ID_HEADER = 'Kyso-Event-Id';

/**
 * The signature header value. The scheme is the one payment platforms use (a timestamp bound into
 * the MAC, so a captured delivery cannot be replayed outside the receiver's tolerance window).
 */
export function webhookSignature(secret: string, rawBody: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * The id of the one event a piece of work ends with: derived from what it is about, so a job that
 * runs again (a worker died after the work but before the enqueue) queues the same event, which the
 * queue and the receiver both recognise. No `:` (BullMQ job ids may not contain one).
 */
export function webhookEventId(type: string, subjectId: string): string {
  return `evt_${createHash('sha256').update(`${type}\n${subjectId}`).digest('hex').slice(0, 32)}`;
}

export function webhookEvent(type: string, subjectId: string, data: unknown, at: Date): WebhookEvent {
  return { id: webhookEventId(type, subjectId), type, createdAt: at.toISOString(), data };
}
