import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import IORedis from 'ioredis';
import type { Dispatcher } from 'undici';
import {
  AddressPolicy,
  Clock,
  guardedDispatcher,
  WEBHOOK_DELIVER_JOB,
  WEBHOOK_QUEUE,
  WebhookRequest,
} from '@kyso/common';
import { ApiKeysRepository } from '../api-keys.repository';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway-core.module';
import { WEBHOOK_SECRET_BOX } from '../identity/api-key-admin';
import { callbackTarget, WebhookDelivery } from './delivery';
import { SecretBox } from './secret-box';

/** Deliveries at once per gateway instance (each mostly waits on a receiver). */
const CONCURRENCY = 8;

/**
 * The gateway consumes the `webhooks` queue: it holds the API keys, so it is the one process that
 * can sign with a system's secret. Runs when the configuration names the queue and the sealing key.
 * Log lines name the event, attempt and the callback's origin and path, never a secret or a body.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private worker?: Worker;
  private connection?: IORedis;
  private dispatcher?: Dispatcher;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(WEBHOOK_SECRET_BOX) private readonly box: SecretBox | null,
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const w = this.settings.config.webhooks;
    if (!w || !this.box) return;
    this.dispatcher = guardedDispatcher(new AddressPolicy(w.allow), { connectTimeoutMs: w.timeoutMs });
    const delivery = new WebhookDelivery(this.keys, this.box, this.dispatcher, w.timeoutMs, this.clock);
    this.connection = new IORedis(w.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker(
      WEBHOOK_QUEUE,
      async (job: Job<WebhookRequest>) => {
        if (job.name !== WEBHOOK_DELIVER_JOB) throw new Error(`unknown job ${job.name} on ${WEBHOOK_QUEUE}`);
        await delivery.deliver(job.data);
      },
      { connection: this.connection, prefix: w.prefix, concurrency: CONCURRENCY, autorun: true },
    );
    this.worker.on('error', (e) => this.logger.warn(`webhook worker: ${e.message}`));
    this.worker.on('completed', (job: Job<WebhookRequest>) =>
      this.logger.log(`${describe(job)} delivered (attempt ${job.attemptsMade + 1})`),
    );
    this.worker.on('failed', (job: Job<WebhookRequest> | undefined, err: Error) => {
      if (!job) return;
      const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      const line = `${describe(job)} attempt ${job.attemptsMade} failed: ${err.message}`;
      if (final) this.logger.error(`${line}; giving up`);
      else this.logger.warn(`${line}; will retry`);
    });
    await this.worker.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    this.connection?.disconnect();
    await this.dispatcher?.close().catch(() => undefined);
  }
}

const describe = (job: Job<WebhookRequest>) =>
  `webhook ${job.data.event.id} (${job.data.event.type}) to ${callbackTarget(job.data.callbackUrl)}`;
