import { AddressPolicy } from '../net/address-guard';
import { ConfigError, int, str } from '../config';

/** The BullMQ queue webhook events wait in: services produce, the gateway delivers. */
export const WEBHOOK_QUEUE = 'webhooks';
export const WEBHOOK_DELIVER_JOB = 'deliver';

/** What producers (services) and the consumer (the gateway) must agree on, from the environment. */
export interface WebhookSettings {
  redisUrl: string;
  /** BullMQ key prefix, the services' KYSO_QUEUE_PREFIX (tests use a unique one). */
  prefix: string;
  /**
   * Hosts, addresses and CIDRs outside the public Internet that callbacks may go to
   * (KYSO_WEBHOOK_ALLOW; the same entries as KYSO_REVOCATION_FETCH_ALLOW). None by default.
   */
  allow: string[];
  /** Delivery attempts before giving up (KYSO_WEBHOOK_ATTEMPTS). */
  attempts: number;
  /** First retry delay, doubling (KYSO_WEBHOOK_BACKOFF_MS). */
  backoffMs: number;
  /** One delivery, connection to answer (KYSO_WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
}

/** 10 attempts from 5 s doubling: the last one about 43 minutes after the first. */
export const WEBHOOK_DEFAULTS = { attempts: 10, backoffMs: 5_000, timeoutMs: 10_000 } as const;

export function webhookSettingsFromEnv(redisUrl: string): WebhookSettings {
  const allow = str('KYSO_WEBHOOK_ALLOW', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    new AddressPolicy(allow);
  } catch (e) {
    throw new ConfigError(`KYSO_WEBHOOK_ALLOW: ${(e as Error).message}`);
  }
  const prefix = str('KYSO_QUEUE_PREFIX', 'kyso');
  if (!/^[A-Za-z0-9:_-]+$/.test(prefix)) throw new ConfigError('KYSO_QUEUE_PREFIX may hold only A-Z a-z 0-9 : _ -');
  return {
    redisUrl,
    prefix,
    allow,
    attempts: int('KYSO_WEBHOOK_ATTEMPTS', WEBHOOK_DEFAULTS.attempts, 1, 50),
    backoffMs: int('KYSO_WEBHOOK_BACKOFF_MS', WEBHOOK_DEFAULTS.backoffMs, 10),
    timeoutMs: int('KYSO_WEBHOOK_TIMEOUT_MS', WEBHOOK_DEFAULTS.timeoutMs, 100, 120_000),
  };
}
