import { UnrecoverableError } from 'bullmq';
import { Dispatcher, request } from 'undici';
import {
  AddressRefusedError,
  Clock,
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  webhookSignature,
  WebhookRequest,
} from '@kyso/common';
import { ApiKeysRepository } from '../api-keys.repository';
import { SecretBox } from './secret-box';

/** Where a callback goes, for log lines: never its query (it may carry the receiver's own token). */
export const callbackTarget = (raw: string): string => {
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
};

/**
 * One delivery attempt: the event as JSON, signed with the system's current webhook secret over
 * `"<t>.<body>"`, POSTed through the guarded dispatcher (the callback's address is checked again:
 * DNS may have changed since the request was accepted). A 2xx answer delivers; any other answer or
 * a network failure throws, and BullMQ retries with backoff under the same event id. What no retry
 * can mend (the key gone, revoked or without a secret, the address refused) ends the job at once.
 * Redirects are not followed: the receiver named its URL.
 */
export class WebhookDelivery {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly box: SecretBox,
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {}

  async deliver(req: WebhookRequest): Promise<void> {
    const key = await this.keys.findById(req.systemId);
    if (!key) throw new UnrecoverableError(`API key ${req.systemId} no longer exists`);
    if (key.revokedAt && key.revokedAt <= this.clock.now())
      throw new UnrecoverableError(`API key ${req.systemId} is revoked`);
    if (!key.webhookSecret) throw new UnrecoverableError(`API key ${req.systemId} has no webhook secret`);
    let secret: string;
    try {
      secret = this.box.open(key.webhookSecret, key.id);
    } catch {
      throw new UnrecoverableError(
        `the webhook secret of ${req.systemId} does not open (KYSO_WEBHOOK_SECRET_KEY changed?)`,
      );
    }
    const body = JSON.stringify(req.event);
    const t = Math.floor(this.clock.now().getTime() / 1000);
    const signal = AbortSignal.timeout(this.timeoutMs);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(req.callbackUrl, {
        dispatcher: this.dispatcher,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kyso-webhooks',
          [WEBHOOK_SIGNATURE_HEADER.toLowerCase()]: webhookSignature(secret, body, t),
          [WEBHOOK_EVENT_ID_HEADER.toLowerCase()]: req.event.id,
        },
        body,
        signal,
      });
    } catch (e) {
      for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause)
        if (c instanceof AddressRefusedError) throw new UnrecoverableError(`refused: ${c.message}`);
      if (signal.aborted) throw new Error(`no answer within ${this.timeoutMs} ms`);
      const code = (e as { code?: unknown }).code;
      throw new Error(typeof code === 'string' ? code : 'network error');
    }
    // The receiver's body is not read: only the status says whether it took the event.
    res.body.on('error', () => undefined);
    res.body.destroy();
    if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`answered ${res.statusCode}`);
  }
}
