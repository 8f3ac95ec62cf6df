import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The channel the revocation cache tables notify on (migration 1799210000000), payload the table's name. */
export const REVOCATION_CACHE_CHANNEL = 'verifier_revocation_cache';

/** Waited before listening again after the connection was lost. */
const RECONNECT_MS = 1_000;

/** What a held cache asks: the table's change count, or undefined while changes cannot be heard. */
export interface CacheChanges {
  generation(table: string): number | undefined;
}

/**
 * Hears the revocation cache tables' changes (LISTEN on a connection of its own): each notification
 * bumps the table's generation, so rows held in memory from before it are not served again. While
 * not listening (connecting, connection lost) `generation` is undefined and the held caches read
 * through; every (re)connection starts a new generation, so nothing held across a gap is served.
 */
export class RevocationCacheChanges implements CacheChanges {
  private readonly logger = new Logger('RevocationCacheChanges');
  private readonly generations = new Map<string, number>();
  /** Bumped at every (re)connection: part of every table's generation. */
  private epoch = 0;
  private client?: Client;
  private live = false;
  private closed = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly connect: () => Client) {}

  generation(table: string): number | undefined {
    return this.live ? this.epoch * 2 ** 32 + (this.generations.get(table) ?? 0) : undefined;
  }

  /** Starts listening; a failure is logged and retried (the caches read through meanwhile). */
  async start(): Promise<void> {
    if (this.closed) return;
    const client = this.connect();
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel !== REVOCATION_CACHE_CHANNEL) return;
      const table = n.payload ?? '';
      this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
    });
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CACHE_CHANNEL}`);
      if (this.client !== client) return;
      this.epoch++;
      this.live = true;
    } catch (e) {
      this.lost(client, e as Error);
    }
  }

  private lost(client: Client, e?: Error): void {
    if (this.client !== client) return;
    this.live = false;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(`not hearing revocation cache changes (reading through): ${e?.message ?? 'connection ended'}`);
    this.retry = setTimeout(() => void this.start(), RECONNECT_MS);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
