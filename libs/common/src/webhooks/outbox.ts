import type { OnApplicationShutdown, Provider } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { WEBHOOK_OUTBOX, type WebhookOutbox, type WebhookRequest } from './events';
import { callbackRefused, CallbackUrlGuard } from './callback-url';
import { WEBHOOK_DELIVER_JOB, WEBHOOK_QUEUE, WebhookSettings } from './settings';

/** Delivered events are kept a day, given-up ones a week (for an operator to look at). */
const KEEP_COMPLETED_SEC = 24 * 3600;
const KEEP_FAILED_SEC = 7 * 24 * 3600;

/**
 * The outbox as services use it: checks callback URLs and queues events on the BullMQ queue
 * `webhooks`, under the event id as job id (a second enqueue of the same event is the same job).
 * Retries and backoff are the job's options; the gateway's worker delivers.
 */
export class BullWebhookOutbox implements WebhookOutbox, OnApplicationShutdown {
  private readonly connection: IORedis;
  private readonly queue: Queue;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly guard = new CallbackUrlGuard(settings.allow),
  ) {
    this.connection = new IORedis(settings.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    this.queue = new Queue(WEBHOOK_QUEUE, { connection: this.connection, prefix: settings.prefix });
    // Outages reach callers as errors of enqueue (and readiness); no log line per reconnect.
    this.queue.on('error', () => undefined);
  }

  async check(callbackUrl: string, systemId: string): Promise<void> {
    if (!systemId) throw callbackRefused('only systems (API keys) receive webhooks');
    const refusal = await this.guard.refusal(callbackUrl);
    if (refusal) throw callbackRefused(refusal);
  }

  async enqueue(request: WebhookRequest): Promise<void> {
    await this.queue.add(WEBHOOK_DELIVER_JOB, request, {
      jobId: request.event.id,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs },
      removeOnComplete: { age: KEEP_COMPLETED_SEC },
      removeOnFail: { age: KEEP_FAILED_SEC },
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}

/** The outbox of a service configured without webhooks: every callbackUrl is refused, never ignored. */
export class DisabledWebhookOutbox implements WebhookOutbox {
  check(): Promise<void> {
    return Promise.reject(callbackRefused('webhooks are not configured on this service'));
  }

  enqueue(): Promise<void> {
    return Promise.reject(new Error('webhooks are not configured on this service'));
  }
}

/** The WEBHOOK_OUTBOX provider of a service: the queue when configured, else the refusing outbox. */
export const webhookOutboxProvider = (settings: WebhookSettings | undefined): Provider => ({
  provide: WEBHOOK_OUTBOX,
  useFactory: () => (settings ? new BullWebhookOutbox(settings) : new DisabledWebhookOutbox()),
});
