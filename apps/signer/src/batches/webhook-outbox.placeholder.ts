import { unprocessable, type WebhookOutbox } from '@kyso/common';

/**
 * Until the signer is given a real outbox (WEBHOOK_OUTBOX), a `callbackUrl` is refused rather than
 * silently never called.
 */
export class PlaceholderWebhookOutbox implements WebhookOutbox {
  async check(): Promise<void> {
    throw unprocessable('CALLBACK_URL_REFUSED', 'Webhooks are not configured on this service', {
      field: 'callbackUrl',
    });
  }

  async enqueue(): Promise<void> {
    throw new Error('webhooks not configured');
  }
}
